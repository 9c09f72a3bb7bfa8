package dev.greenloom.bench;

/** Runs two blocking loops on two threads of one kind and waits for both: the peers of a greenloom pair. */
final class Pair {
    /** A loop that may block. */
    @FunctionalInterface
    interface Loop {
        void run() throws InterruptedException;
    }

    private Pair() {
    }

    static void run(Thread.Builder threads, Loop first, Loop second) throws InterruptedException {
        Thread a = threads.start(unchecked(first));
        Thread b = threads.start(unchecked(second));
        a.join();
        b.join();
    }

    private static Runnable unchecked(Loop loop) {
        return () -> {
            try {
                loop.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("benchmark thread interrupted", e);
            }
        };
    }
}
