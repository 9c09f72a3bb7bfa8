package dev.greenloom.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ProgressTest {
    @Test
    void theLineIsRedrawnWhileNothingTicksAndNoMoreOnceClosed() throws InterruptedException {
        StringWriter screen = new StringWriter();
        AtomicInteger seconds = new AtomicInteger();
        Progress progress = new Progress(new PrintWriter(screen, true), true, () -> "waited " + seconds.get());

        seconds.set(7); // the run's state changes, but nothing calls tick(): every request waits on a slow server
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!screen.toString().contains("waited 7") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(screen.toString().contains("waited 7"), screen.toString());

        progress.close();
        String closed = screen.toString();
        assertTrue(closed.endsWith("\r"), "erased: " + closed);
        seconds.set(8);
        Thread.sleep(1_000);
        progress.tick();
        assertEquals(closed, screen.toString(), "nothing drawn after close");
    }

    @Test
    void nothingIsDrawnWhenDisabled() throws InterruptedException {
        StringWriter screen = new StringWriter();
        Progress progress = new Progress(new PrintWriter(screen, true), false, () -> "status");
        progress.tick();
        Thread.sleep(600);
        progress.close();
        assertEquals("", screen.toString());
    }
}
