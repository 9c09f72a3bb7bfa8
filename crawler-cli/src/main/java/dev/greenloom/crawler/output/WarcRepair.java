package dev.greenloom.crawler.output;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.netpreserve.jwarc.WarcReader;
import org.netpreserve.jwarc.WarcRecord;

/**
 * Finds where the complete records of a WARC file end, so a file torn by a hard kill mid-write can be cut back to
 * its last complete record before more records are appended. Not thread-safe; run it before opening the writer.
 *
 * <ul>
 *   <li>Gzipped files ({@code .gz}): every record is one gzip member; a member counts if it inflates completely
 *       and its 8-byte trailer is present.</li>
 *   <li>Uncompressed files: records are parsed with jwarc; a record counts if its header, its
 *       {@code Content-Length} bytes of block and the closing {@code CRLF CRLF} are all present.</li>
 * </ul>
 */
final class WarcRepair {
    private static final int MAX_HEADER = 1 << 20;

    private WarcRepair() {
    }

    /**
     * Cuts {@code file} back to its complete records, reading it once; returns the number of bytes removed.
     *
     * @throws IOException if {@code file} is not empty but does not start with a complete record (it is left
     *                     untouched rather than cut to nothing), or cannot be read or written
     */
    static long truncateTornTail(Path file, boolean gzip) throws IOException {
        long valid = validLength(file, gzip);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (valid == 0 && size > 0) {
                throw new IOException(file + " is not a " + (gzip ? "gzipped " : "") + "WARC file; not appending");
            }
            if (valid < size) {
                channel.truncate(valid);
                channel.force(true);
            }
            return size - valid;
        }
    }

    /** The length of the complete records at the start of {@code file}. */
    static long validLength(Path file, boolean gzip) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return gzip ? validGzipLength(channel) : validWarcLength(file, channel);
        }
    }

    /** The end of the last complete gzip member from the start of {@code channel}. */
    private static long validGzipLength(FileChannel channel) throws IOException {
        long good = 0;
        long size = channel.size();
        while (good < size) {
            long end = gzipMemberEnd(channel, good, size);
            if (end < 0) {
                break;
            }
            good = end;
        }
        return good;
    }

    /** The end of the gzip member starting at {@code start}, or -1 if it is not complete and valid. */
    private static long gzipMemberEnd(FileChannel channel, long start, long size) throws IOException {
        ByteBuffer header = read(channel, start, 10);
        if (header.remaining() < 10 || (header.get(0) & 0xff) != 0x1f || (header.get(1) & 0xff) != 0x8b
                || header.get(2) != 8) {
            return -1;
        }
        int flags = header.get(3) & 0xff;
        long pos = start + 10;
        if ((flags & 4) != 0) { // FEXTRA: two-byte little-endian length, then the field
            ByteBuffer len = read(channel, pos, 2);
            if (len.remaining() < 2) {
                return -1;
            }
            pos += 2 + ((len.get(0) & 0xff) | (len.get(1) & 0xff) << 8);
        }
        for (int flag : new int[] {8, 16}) { // FNAME, FCOMMENT: zero-terminated
            if ((flags & flag) != 0) {
                pos = afterZero(channel, pos, size);
                if (pos < 0) {
                    return -1;
                }
            }
        }
        if ((flags & 2) != 0) { // FHCRC
            pos += 2;
        }
        Inflater inflater = new Inflater(true);
        try {
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            ByteBuffer out = ByteBuffer.allocate(64 * 1024);
            long fed = pos;
            while (!inflater.finished()) {
                if (inflater.needsInput()) {
                    in.clear();
                    int n = channel.read(in, fed);
                    if (n <= 0) {
                        return -1;
                    }
                    fed += n;
                    in.flip();
                    inflater.setInput(in);
                }
                out.clear();
                try {
                    inflater.inflate(out);
                } catch (DataFormatException e) {
                    return -1;
                }
                if (inflater.needsDictionary()) {
                    return -1;
                }
            }
            long end = fed - inflater.getRemaining() + 8;
            return end <= size ? end : -1;
        } finally {
            inflater.end();
        }
    }

    /** The end of the last complete uncompressed WARC record from the start of {@code channel}. */
    private static long validWarcLength(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        long good = 0;
        // The reader closes the channel it reads; the caller's channel is needed for the positional reads below.
        try (WarcReader reader = new WarcReader(FileChannel.open(file))) {
            while (good < size) {
                Optional<WarcRecord> next = reader.next();
                if (next.isEmpty() || next.get().position() != good) {
                    break;
                }
                long end = recordEnd(channel, good, next.get().body().size(), size);
                if (end < 0) {
                    break;
                }
                good = end;
            }
        } catch (IOException | RuntimeException e) {
            // A torn record fails to parse; everything before it is complete.
        }
        return good;
    }

    /** End of the record at {@code start} whose block has {@code length} bytes, or -1 if torn. */
    private static long recordEnd(FileChannel channel, long start, long length, long size) throws IOException {
        long headerEnd = afterBlankLine(channel, start, size);
        if (headerEnd < 0) {
            return -1;
        }
        long end = headerEnd + length + 4;
        if (end > size) {
            return -1;
        }
        ByteBuffer trailer = read(channel, end - 4, 4);
        return StandardCharsets.US_ASCII.decode(trailer).toString().equals("\r\n\r\n") ? end : -1;
    }

    private static long afterBlankLine(FileChannel channel, long start, long size) throws IOException {
        ByteBuffer header = read(channel, start, (int) Math.min(MAX_HEADER, size - start));
        for (int i = 3; i < header.limit(); i++) {
            if (header.get(i) == '\n' && header.get(i - 1) == '\r' && header.get(i - 2) == '\n'
                    && header.get(i - 3) == '\r') {
                return start + i + 1;
            }
        }
        return -1;
    }

    private static long afterZero(FileChannel channel, long pos, long size) throws IOException {
        ByteBuffer chunk = read(channel, pos, (int) Math.min(MAX_HEADER, size - pos));
        for (int i = 0; i < chunk.limit(); i++) {
            if (chunk.get(i) == 0) {
                return pos + i + 1;
            }
        }
        return -1;
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(Math.max(0, length));
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                break;
            }
        }
        return buffer.flip();
    }
}
