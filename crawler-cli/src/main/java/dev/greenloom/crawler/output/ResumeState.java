package dev.greenloom.crawler.output;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a killed crawl left to do, read from its report and frontier log.
 *
 * <ul>
 *   <li>{@link #finished()}: every URL with an outcome in the report, whatever it was (it was reported, so it is
 *       not fetched again). Three kinds of line are no page's outcome: a {@code duplicate} line (written when the
 *       line is read, before the URL it repeats is fetched), an input line that is no URL ({@code bad-url} without
 *       a response) and a page the run's {@code --timeout} left unfetched ({@link #notReached}).</li>
 *   <li>{@link #duplicates()}: how many {@code duplicate} lines are already reported for each URL.</li>
 *   <li>{@link #badLines()}: how many {@code bad-url} lines without a response (input lines that are no URL) are
 *       already reported for each line's text: a text repeated in the input has a line each time.</li>
 *   <li>{@link #pending()}: URLs in the frontier log without an outcome, each once (its first logged depth and
 *       parent), in logged order.</li>
 *   <li>{@link #redirects()}: the final URL of each finished page that was reached through a redirect, to the URL
 *       that redirected there: that page was fetched, under the other URL.</li>
 *   <li>{@link #failedEarlier()}: how many finished URLs failed (an {@code error_kind}, {@code http-status}
 *       included), plus the bad lines: their outcome stands, and the resumed crawl's exit status counts them.</li>
 * </ul>
 * A last line without its newline (torn by the kill) is ignored, as is any line that does not parse
 * ({@link #skippedLines()} counts them). Missing files count as empty. Memory: the finished URLs as strings in a set,
 * the URLs and texts of duplicate and bad lines with their counts, plus the pending entries.
 *
 * @param finished     URLs already reported with an outcome
 * @param duplicates   URLs already reported as duplicate lines, to how many lines
 * @param badLines     texts of input lines already reported as bad URLs, to how many lines
 * @param pending      URLs queued but not reported, in the order they were queued
 * @param redirects    final URLs of finished pages reached through a redirect, to the URL that redirected there
 * @param failedEarlier finished URLs whose outcome is a failure, and bad lines
 * @param skippedLines torn or unreadable lines ignored in both files
 */
public record ResumeState(Set<String> finished, Map<String, Integer> duplicates, Map<String, Integer> badLines,
        List<FrontierEntry> pending, Map<String, String> redirects, long failedEarlier, int skippedLines) {
    public ResumeState {
        finished = Collections.unmodifiableSet(finished);
        duplicates = Collections.unmodifiableMap(duplicates);
        badLines = Collections.unmodifiableMap(badLines);
        pending = List.copyOf(pending);
        redirects = Collections.unmodifiableMap(redirects);
    }

    /** Nothing done yet: a run that does not resume. */
    public static ResumeState none() {
        return new ResumeState(Set.of(), Map.of(), Map.of(), List.of(), Map.of(), 0, 0);
    }

    /**
     * Reads {@code report} and {@code frontierLog} (either may be missing).
     *
     * @throws IOException if one cannot be read; a {@link FileSystemException} naming it
     */
    public static ResumeState load(Path report, Path frontierLog) throws IOException {
        Objects.requireNonNull(report, "report == null");
        Objects.requireNonNull(frontierLog, "frontierLog == null");
        int[] skipped = {0};
        Set<String> finished = new HashSet<>();
        Map<String, Integer> duplicates = new HashMap<>();
        Map<String, Integer> badLines = new HashMap<>();
        Map<String, String> redirects = new HashMap<>();
        long[] failed = {0};
        readLines(report, skipped, members -> {
            String url = required(members, "url");
            String kind = members.get("error_kind");
            if (PageRecord.DUPLICATE.equals(kind)) {
                duplicates.merge(url, 1, Integer::sum);
            } else if ("bad-url".equals(kind) && "0".equals(members.get("status"))) {
                badLines.merge(url, 1, Integer::sum);
                failed[0]++;
            } else if (!notReached(members)) {
                if (finished.add(url) && kind != null) {
                    failed[0]++;
                }
                String finalUrl = members.get("final_url");
                if (finalUrl != null && !finalUrl.equals(url)) {
                    redirects.putIfAbsent(finalUrl, url);
                }
            }
        });
        Set<String> queued = new HashSet<>();
        List<FrontierEntry> pending = new ArrayList<>();
        readLines(frontierLog, skipped, members -> {
            String url = required(members, "url");
            if (!finished.contains(url) && queued.add(url)) {
                pending.add(new FrontierEntry(url, Integer.parseInt(members.get("depth")), members.get("parent")));
            }
        });
        return new ResumeState(finished, duplicates, badLines, pending, redirects, failed[0], skipped[0]);
    }

    /**
     * True for the line of a page the run's {@code --timeout} stopped before it was fetched: error kind
     * {@code timeout} with no time spent and no response. (A fetch that timed out took time; one under a
     * millisecond would count as not reached and be fetched again, which does no harm.)
     */
    static boolean notReached(Map<String, String> members) {
        return "timeout".equals(members.get("error_kind")) && "0".equals(members.get("elapsed_ms"))
                && "0".equals(members.get("status"));
    }

    /**
     * Feeds each complete, parseable line's members to {@code action}; counts the others in {@code skipped[0]}.
     *
     * @throws FileSystemException naming {@code file} if it cannot be read (a directory's read error names none)
     */
    private static void readLines(Path file, int[] skipped, Consumer<Map<String, String>> action) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try {
            readExisting(file, skipped, action);
        } catch (FileSystemException e) {
            throw e;
        } catch (IOException e) {
            throw new FileSystemException(file.toString(), null, e.getMessage());
        }
    }

    private static void readExisting(Path file, int[] skipped, Consumer<Map<String, String>> action)
            throws IOException {
        boolean lastLineComplete = endsWithNewline(file);
        // Bytes that are no UTF-8 (a line torn inside a character) are decoded as U+FFFD, not refused: that line is
        // skipped or read like any other.
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8))) {
            String line = reader.readLine();
            while (line != null) {
                String following = reader.readLine();
                if (following == null && !lastLineComplete) {
                    skipped[0]++;
                } else if (!line.isBlank()) {
                    try {
                        action.accept(JsonLine.parse(line));
                    } catch (IllegalArgumentException e) {
                        skipped[0]++; // a damaged line: resuming from the rest beats refusing to resume
                    }
                }
                line = following;
            }
        }
    }

    private static String required(Map<String, String> members, String name) {
        String value = members.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " missing");
        }
        return value;
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            long size = channel.size();
            if (size == 0) {
                return true;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.read(last, size - 1);
            return last.get(0) == '\n';
        }
    }
}
