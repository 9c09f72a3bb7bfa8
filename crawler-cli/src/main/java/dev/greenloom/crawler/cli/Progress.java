package dev.greenloom.crawler.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A status line on stderr, redrawn in place at most every {@code interval} while a run goes on, and
 * only when stderr is a terminal (so logs and pipes stay clean). Call {@link #tick()} as often as
 * you like from any thread; a virtual thread of its own ticks too, so the line stays current while
 * nothing calls it (every request waiting on a slow server); {@link #finish()} erases the line, and
 * {@link #close()} erases it for good. Safe for concurrent use; the status supplier is called from any
 * thread, holding this object's lock, so it must not wait for a lock held by a caller of {@link #tick()}.
 */
public final class Progress {
    private static final long INTERVAL_NANOS = Duration.ofMillis(200).toNanos();
    private final PrintWriter err;
    private final boolean enabled;
    private final Supplier<String> status;
    private long lastDrawn = System.nanoTime() - INTERVAL_NANOS;
    /** The line on screen now, or empty. */
    private String shown = "";
    private volatile boolean closed;

    /**
     * @param err where to draw
     * @param enabled whether to draw at all; pass {@link #stderrIsTerminal()} from commands
     * @param status the current status, without a line break; called under this object's lock
     */
    public Progress(PrintWriter err, boolean enabled, Supplier<String> status) {
        this.err = err;
        this.enabled = enabled;
        this.status = status;
        if (enabled) {
            Thread.ofVirtual().name("greenloom-progress").start(this::tickUntilClosed);
        }
    }

    private void tickUntilClosed() {
        while (!closed) {
            LockSupport.parkNanos(2 * INTERVAL_NANOS);
            tick();
        }
    }

    /**
     * True when stderr is an interactive terminal. The launcher script exports
     * {@code GREENLOOM_STDERR_TTY=1} or {@code 0} from {@code [ -t 2 ]}; without it (the jar run by
     * {@code java -jar}), {@link #isTerminal(int)} decides.
     */
    public static boolean stderrIsTerminal() {
        String fromLauncher = System.getenv("GREENLOOM_STDERR_TTY");
        if (fromLauncher != null) {
            return fromLauncher.equals("1");
        }
        return isTerminal(2);
    }

    /**
     * True when file descriptor {@code fd} (0, 1 or 2) is a terminal: on Linux from its target in
     * {@code /proc/self/fd}; elsewhere from the JVM's console, which tells only whether stdin and
     * stdout both are.
     */
    static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            var console = System.console();
            return console != null && console.isTerminal();
        }
    }

    /** True when standard output is a terminal ({@link #isTerminal}). */
    public static boolean stdoutIsTerminal() {
        return isTerminal(1);
    }

    /** Writes to a stream other than this line's; see {@link #above}. */
    public interface Write<E extends Exception> {
        void run() throws E;
    }

    /**
     * Runs {@code write}, which prints whole lines on standard output, with the progress line erased before and
     * drawn again after: when standard output is the same terminal, its lines then scroll above the progress line
     * instead of being printed after it on the same row.
     */
    public <E extends Exception> void above(Write<E> write) throws E {
        if (!enabled) {
            write.run();
            return;
        }
        synchronized (this) {
            String line = shown;
            finish();
            try {
                write.run();
            } finally {
                if (!line.isEmpty()) {
                    draw(line);
                }
            }
        }
    }

    /** Redraws the line if the last draw is older than the interval. */
    public void tick() {
        if (!enabled || closed) {
            return;
        }
        synchronized (this) {
            long now = System.nanoTime();
            if (closed || now - lastDrawn < INTERVAL_NANOS) {
                return;
            }
            lastDrawn = now;
            draw(status.get());
        }
    }

    private void draw(String line) {
        err.print("\r" + line + " ".repeat(Math.max(0, shown.length() - line.length())));
        err.flush();
        shown = line;
    }

    /** Erases the line and draws it no more; its ticking thread ends. */
    public synchronized void close() {
        closed = true;
        finish();
    }

    /** Erases the line, so the summary that follows starts clean; the next tick draws it again. */
    public synchronized void finish() {
        if (enabled && !shown.isEmpty()) {
            err.print("\r" + " ".repeat(shown.length()) + "\r");
            err.flush();
            shown = "";
        }
    }
}
