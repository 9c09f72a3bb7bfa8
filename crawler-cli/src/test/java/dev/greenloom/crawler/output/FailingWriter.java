package dev.greenloom.crawler.output;

import java.io.IOException;
import java.io.Writer;

/** Test helper: a writer whose every write fails, as a pipe whose reader left or a full disk does. */
public final class FailingWriter extends Writer {
    private final String reason;

    /** Fails each write with an IOException saying {@code reason}. */
    public FailingWriter(String reason) {
        this.reason = reason;
    }

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
        throw new IOException(reason);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
