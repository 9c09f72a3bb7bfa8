package dev.greenloom.crawler.output;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Mirrors the final body of every successfully fetched page to a file under one directory, named from the URL as
 * requested (not the URL after redirects, like wget): see {@link MirrorPaths} for the mapping
 * ({@code host[_port]/path}, {@code index.html} for directories, hashed queries, escaped names).
 *
 * <p>Guarantees:
 * <ul>
 *   <li>Nothing is written outside the directory: the resolved path is checked with
 *       {@code normalize().startsWith(dir)}, no symbolic link below the directory is followed (one where a
 *       directory of the mirror goes is refused; one where a file goes is replaced), and a URL failing a check is
 *       refused with an {@code IOException}.</li>
 *   <li>Files appear atomically: bodies go to a temporary file ({@code .greenloom-PID-N.tmp}) in the directory
 *       that will hold them, then are moved into place.</li>
 *   <li>File versus directory: {@code /a} is stored as the file {@code a} until a URL below it ({@code /a/b})
 *       needs {@code a} as a directory; then {@code a} moves to {@code a/index.html}, and a later {@code /a}
 *       goes there directly (or to {@code a/index.html/index.html} if {@code /a/index.html/x} made that a
 *       directory too). The final layout is the same whatever order the pages arrive in.</li>
 *   <li>Two URLs of one run never overwrite each other: when a name is already taken by another URL
 *       (e.g. {@code /a} and {@code /a/}, both wanting {@code a/index.html}), the later one gets
 *       {@code _<8 hex of SHA-256 of its URL>} before the extension. Files left by an earlier run are replaced,
 *       so re-crawling into the same directory updates the mirror.</li>
 * </ul>
 * Pages with an error, without a response, or with a status other than 2xx (a 404 page is not the page) are
 * skipped, as wget does. Memory: one map entry (path, URL) per written file and
 * one per directory.
 *
 * <p>Thread-safe: bodies are written concurrently; placing them in the tree is serialized by one lock.
 */
public final class MirrorSink implements PageSink {
    private static final long PID = ProcessHandle.current().pid();

    private final Path dir;
    /** Temporary files named so far. */
    private final AtomicLong tempFiles = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    /** Relative path (with '/' separators) to the URL whose body it holds, for files written by this sink. */
    private final Map<String, String> owners = new HashMap<>();
    /** Directories this sink made sure of; they stay directories (only files are ever turned into directories). */
    private final Set<String> directories = new HashSet<>();
    private boolean closed;

    /** Creates the sink, creating {@code dir} if needed; {@code dir} itself may be a symbolic link. */
    public MirrorSink(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir == null");
        this.dir = Files.createDirectories(dir).toRealPath();
    }

    @Override
    public void accept(PageRecord page) throws IOException {
        Objects.requireNonNull(page, "page == null");
        Exchange last = page.finalExchange();
        if (!page.ok() || last == null || page.status() / 100 != 2) {
            return;
        }
        Path relative;
        try {
            relative = MirrorPaths.relativePath(page.url());
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot mirror " + page.url() + ": " + e.getMessage(), e);
        }
        Path temp = newTempFile(directoryFor(relative), last.body());
        boolean placed = false;
        try {
            place(temp, relative, page.url());
            placed = true;
        } finally {
            if (!placed) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * The directory that will hold the file at {@code relative}, made now if need be (files in the way become
     * directories), so that its body can be written beside it.
     */
    private Path directoryFor(Path relative) throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new IOException("mirror closed");
            }
            Path parent = checked(dir.resolve(relative)).getParent();
            if (!directories.contains(key(parent))) {
                Path ancestor = dir;
                for (Path name : dir.relativize(parent)) {
                    ancestor = ancestor.resolve(name);
                    if (Files.isSymbolicLink(ancestor)) {
                        throw new IOException("cannot mirror below " + ancestor + ": it is a symbolic link, and the"
                                + " mirror follows none, so that nothing is written outside " + dir);
                    }
                    if (Files.isRegularFile(ancestor, LinkOption.NOFOLLOW_LINKS)) {
                        moveIntoOwnDirectory(ancestor);
                    }
                }
                Files.createDirectories(parent);
                directories.add(key(parent));
            }
            return parent;
        } finally {
            lock.unlock();
        }
    }

    private void place(Path temp, Path relative, String url) throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new IOException("mirror closed");
            }
            Path target = checked(dir.resolve(relative));
            // a/index.html is a directory too once /a/index.html/x is mirrored; /a then goes below it, as when first.
            while (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                target = target.resolve("index.html");
            }
            target = unclaimed(target, url);
            move(temp, target);
            owners.put(key(target), url);
        } finally {
            lock.unlock();
        }
    }

    /** Turns the file {@code a} into {@code a/index.html} so that {@code a} can hold the files below it. */
    private void moveIntoOwnDirectory(Path file) throws IOException {
        String owner = owners.remove(key(file));
        Path aside = newTempFile(dir, new byte[0]);
        move(file, aside);
        Files.createDirectory(file);
        directories.add(key(file));
        Path index = owner == null ? file.resolve("index.html") : unclaimed(file.resolve("index.html"), owner);
        move(aside, index);
        if (owner != null) {
            owners.put(key(index), owner);
        }
    }

    /** {@code target}, or a hashed variant of it if another URL already wrote {@code target} in this run. */
    private Path unclaimed(Path target, String url) throws IOException {
        String owner = owners.get(key(target));
        if (owner == null || owner.equals(url)) {
            return target;
        }
        String name = target.getFileName().toString();
        Path alternative = checked(target.resolveSibling(MirrorPaths.withSuffix(name, "_" + MirrorPaths.hash8(url))));
        String other = owners.get(key(alternative));
        if (other != null && !other.equals(url) || Files.isDirectory(alternative)) {
            throw new FileAlreadyExistsException(alternative.toString(), null, "taken by " + other);
        }
        return alternative;
    }

    /**
     * A new file in {@code directory} holding {@code body}, named {@code .greenloom-PID-N.tmp}: opened once and
     * written with one call, where {@link Files#createTempFile} and {@link Files#write} would open it twice and
     * write it in 8 KB pieces.
     */
    private Path newTempFile(Path directory, byte[] body) throws IOException {
        while (true) {
            Path temp = directory.resolve(".greenloom-" + PID + "-" + tempFiles.incrementAndGet() + ".tmp");
            FileChannel channel;
            try {
                channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                continue; // left by an earlier process with the same PID
            }
            try (channel) {
                ByteBuffer buffer = ByteBuffer.wrap(body);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(temp);
                throw e;
            }
            return temp;
        }
    }

    private Path checked(Path path) throws IOException {
        Path normal = path.normalize();
        if (!normal.startsWith(dir) || normal.equals(dir)) {
            throw new IOException("path escapes " + dir + ": " + path);
        }
        return normal;
    }

    private String key(Path path) {
        return dir.relativize(path).toString().replace('\\', '/');
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Stops accepting pages; files already written stay. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }
}
