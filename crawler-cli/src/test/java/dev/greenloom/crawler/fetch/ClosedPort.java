package dev.greenloom.crawler.fetch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Test helper: a loopback port nothing listens on, for connections that must be refused. */
public final class ClosedPort {
    private ClosedPort() {
    }

    /** A port that was free on 127.0.0.1 a moment ago: bound, then closed again. */
    public static int onLoopback() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
