package dev.greenloom.crawler.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SinksTest {
    /** Records what it was given; fails every call when {@code failure} is set. */
    private static final class Recording implements PageSink {
        final List<String> seen = new ArrayList<>();
        final Exception failure;
        boolean closed;

        Recording(Exception failure) {
            this.failure = failure;
        }

        @Override
        public void accept(PageRecord page) throws IOException {
            seen.add(page.url());
            fail();
        }

        @Override
        public void close() throws IOException {
            closed = true;
            fail();
        }

        private void fail() throws IOException {
            if (failure instanceof IOException e) {
                throw e;
            }
            if (failure != null) {
                throw (RuntimeException) failure;
            }
        }
    }

    @Test
    void everySinkGetsEveryPageAndIsClosed() throws IOException {
        Recording a = new Recording(null);
        Recording b = new Recording(null);
        try (PageSink all = Sinks.all(List.of(a, b))) {
            all.accept(Pages.ok("http://h/1", "x"));
            all.accept(Pages.ok("http://h/2", "x"));
        }
        assertEquals(List.of("http://h/1", "http://h/2"), a.seen);
        assertEquals(a.seen, b.seen);
        assertEquals(true, a.closed && b.closed);
    }

    @Test
    void oneFailingSinkDoesNotStopTheOthersAndAllFailuresAreReported() {
        IOException first = new IOException("disk full");
        IllegalStateException second = new IllegalStateException("closed");
        Recording failing = new Recording(first);
        Recording healthy = new Recording(null);
        Recording alsoFailing = new Recording(second);
        PageSink all = Sinks.all(List.of(failing, healthy, alsoFailing));

        IOException thrown = assertThrows(IOException.class, () -> all.accept(Pages.ok("http://h/", "x")));
        assertSame(first, thrown);
        assertEquals(List.of(second), List.of(thrown.getSuppressed()));
        assertEquals(List.of("http://h/"), healthy.seen);
        assertEquals(List.of("http://h/"), alsoFailing.seen);

        assertThrows(IOException.class, all::close);
        assertEquals(true, failing.closed && healthy.closed && alsoFailing.closed);
    }

    @Test
    void runtimeFailureAloneIsRethrownAsIs() {
        Recording failing = new Recording(new IllegalStateException("bug"));
        PageSink all = Sinks.all(List.of(failing));
        assertThrows(IllegalStateException.class, () -> all.accept(Pages.ok("http://h/", "x")));
    }
}
