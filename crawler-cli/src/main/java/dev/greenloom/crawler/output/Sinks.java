package dev.greenloom.crawler.output;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/** Combinations of {@link PageSink}s. */
public final class Sinks {
    private Sinks() {
    }

    /**
     * A sink that hands every page to each of {@code sinks} in order and closes them all.
     *
     * <p>One failing sink does not stop the others: every sink gets every page, and every sink is closed. If any
     * failed, the first failure is thrown after all were tried, with the others attached as suppressed
     * exceptions. Thread-safe if every sink is.
     */
    public static PageSink all(List<? extends PageSink> sinks) {
        List<PageSink> copy = List.copyOf(Objects.requireNonNull(sinks, "sinks == null"));
        return new PageSink() {
            @Override
            public void accept(PageRecord page) throws IOException {
                forEach(copy, sink -> sink.accept(page));
            }

            @Override
            public void close() throws IOException {
                forEach(copy, PageSink::close);
            }
        };
    }

    /**
     * A sink that hands {@code sink} only the pages that failed (an error, or a final status other than 2xx) and
     * duplicate lines, as wget writes only its errors; closing it closes {@code sink}.
     */
    public static PageSink problemsOnly(PageSink sink) {
        Objects.requireNonNull(sink, "sink == null");
        return new PageSink() {
            @Override
            public void accept(PageRecord page) throws IOException {
                if (page.reportedErrorKind() != null) {
                    sink.accept(page);
                }
            }

            @Override
            public void close() throws IOException {
                sink.close();
            }
        };
    }

    private interface Action {
        void run(PageSink sink) throws IOException;
    }

    private static void forEach(List<PageSink> sinks, Action action) throws IOException {
        Exception first = null;
        for (PageSink sink : sinks) {
            try {
                action.run(sink);
            } catch (IOException | RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first instanceof IOException e) {
            throw e;
        }
        if (first != null) {
            throw (RuntimeException) first;
        }
    }
}
