package dev.greenloom.crawler.dns;

import dev.greenloom.runtime.Green;
import dev.greenloom.runtime.GreenletExit;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * Sends DNS queries and waits for their answers, the way bulk resolvers do: a few shared UDP
 * sockets, each with many queries in flight, answers matched to queries by id, source address and
 * question. One virtual thread per socket reads answers and completes the waiting query's future,
 * so a query costs no thread of its own; another virtual thread per socket sends the queries, so that
 * no caller ever touches a shared channel. A truncated UDP answer is asked again over TCP.
 * dnsjava only encodes and decodes the messages.
 *
 * <p>Safe for concurrent use by many threads.
 */
final class DnsTransport implements AutoCloseable {
    private static final int IDS = 1 << 16;
    private static final int MAX_UDP_ANSWER = 65_535;
    /** Large socket buffers, so that bursts of thousands of answers are not dropped by the kernel. */
    private static final int SOCKET_BUFFER = 4 << 20;

    private final UdpSocket[] sockets;

    /**
     * Opens {@code count} UDP sockets on ephemeral ports (the kernel picks them at random) and
     * starts their readers.
     */
    DnsTransport(int count) throws IOException {
        if (count <= 0) {
            throw new IllegalArgumentException("count <= 0");
        }
        sockets = new UdpSocket[count];
        try {
            for (int i = 0; i < count; i++) {
                sockets[i] = new UdpSocket(i);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Sends {@code query} to {@code server} and waits at most {@code timeoutNanos} for the answer,
     * over UDP and, if that answer is truncated, over TCP. Sets the query's id.
     *
     * @return the answer, or null if none came in time
     * @throws IOException if the query could not be sent or the TCP exchange failed
     * @throws IllegalStateException if the transport is closed
     * @throws GreenletExit if the calling thread is interrupted (or {@link dev.greenloom.runtime.Timeout.Expired}
     *     if a {@code Timeout} of the calling greenlet fired); the query is abandoned
     */
    Message exchange(Message query, InetSocketAddress server, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        UdpSocket socket = sockets[ThreadLocalRandom.current().nextInt(sockets.length)];
        Message answer = socket.exchange(query, server, timeoutNanos);
        if (answer == null || !answer.getHeader().getFlag(Flags.TC)) {
            return answer;
        }
        return exchangeTcp(query, server, deadline - System.nanoTime());
    }

    private static Message exchangeTcp(Message query, InetSocketAddress server, long timeoutNanos) throws IOException {
        int timeoutMillis = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
        byte[] wire = query.toWire();
        try (Socket socket = new Socket()) {
            socket.connect(server, timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            var out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(wire.length);
            out.write(wire);
            out.flush();
            var in = new DataInputStream(socket.getInputStream());
            byte[] bytes = new byte[in.readUnsignedShort()];
            in.readFully(bytes);
            Message answer = new Message(bytes);
            if (answer.getHeader().getID() != query.getHeader().getID() || !sameQuestion(query, answer)) {
                throw new IOException("TCP answer from " + server + " does not match the query");
            }
            return answer;
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            // A virtual thread interrupted in socket I/O sees the socket closed under it.
            if (Thread.currentThread().isInterrupted()) {
                throw interrupted(e);
            }
            throw e;
        }
    }

    static boolean sameQuestion(Message query, Message answer) {
        Record asked = query.getQuestion();
        Record answered = answer.getQuestion();
        return answered != null && asked.getName().equals(answered.getName()) && asked.getType() == answered.getType()
                && asked.getDClass() == answered.getDClass();
    }

    /**
     * Hands an interrupt to the runtime, which throws {@link GreenletExit} or, if one of the
     * greenlet's {@code Timeout}s fired, {@code Timeout.Expired}; the interrupt status is kept.
     */
    private static RuntimeException interrupted(Exception cause) {
        Thread.currentThread().interrupt();
        Green.sleep(Duration.ZERO);
        return new GreenletExit("interrupted", cause);
    }

    /** Closes the sockets; queries waiting for an answer fail with {@link IllegalStateException}. */
    @Override
    public void close() {
        for (UdpSocket socket : sockets) {
            if (socket != null) {
                socket.close();
            }
        }
    }

    /** A query to send, or {@link #CLOSE} to stop the sender. */
    private record Outgoing(ByteBuffer wire, Pending pending) {
        static final Outgoing CLOSE = new Outgoing(null, null);
    }

    /** A query waiting for its answer on one socket. */
    private record Pending(Message query, InetSocketAddress server, CompletableFuture<Message> answer) {
        boolean answeredBy(SocketAddress from, Message message) {
            return server.equals(from) && sameQuestion(query, message);
        }
    }

    /** One UDP socket, its queries in flight indexed by id, and the virtual threads sending queries and reading answers. */
    private static final class UdpSocket {
        private final DatagramChannel channel;
        private final AtomicReferenceArray<Pending> inFlight = new AtomicReferenceArray<>(IDS);
        private final LinkedBlockingQueue<Outgoing> outgoing = new LinkedBlockingQueue<>();

        UdpSocket(int index) throws IOException {
            channel = DatagramChannel.open();
            try {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
                channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
                channel.bind(null);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            Thread.ofVirtual().name("dns-reader-" + index).start(this::readAnswers);
            Thread.ofVirtual().name("dns-sender-" + index).start(this::sendQueries);
        }

        Message exchange(Message query, InetSocketAddress server, long timeoutNanos) throws IOException {
            Pending pending = new Pending(query, server, new CompletableFuture<>());
            int id = reserveId(pending);
            try {
                query.getHeader().setID(id);
                outgoing.add(new Outgoing(ByteBuffer.wrap(query.toWire()), pending));
                return pending.answer().get(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return null;
            } catch (InterruptedException e) {
                throw interrupted(e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException sendFailed && channel.isOpen()) {
                    throw sendFailed;
                }
                throw new IllegalStateException("resolver closed", e.getCause());
            } finally {
                inFlight.compareAndSet(id, pending, null);
            }
        }

        /**
         * Sends the queued queries. Only this thread touches the channel's send side: an interrupt
         * (a killed greenlet) reaching a thread inside a channel operation would close the channel,
         * and with it every other query on this socket.
         */
        private void sendQueries() {
            while (true) {
                Outgoing next;
                try {
                    next = outgoing.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (next == Outgoing.CLOSE) {
                    return;
                }
                try {
                    channel.send(next.wire(), next.pending().server());
                } catch (IOException e) {
                    next.pending().answer().completeExceptionally(e);
                }
            }
        }

        /** A random id not in flight on this socket, reserved for {@code pending}. */
        private int reserveId(Pending pending) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (true) {
                int id = random.nextInt(IDS);
                if (inFlight.compareAndSet(id, null, pending)) {
                    return id;
                }
            }
        }

        private void readAnswers() {
            ByteBuffer buffer = ByteBuffer.allocate(MAX_UDP_ANSWER);
            while (true) {
                buffer.clear();
                SocketAddress from;
                try {
                    from = channel.receive(buffer);
                } catch (IOException e) {
                    if (!channel.isOpen()) {
                        failAll(e);
                        return;
                    }
                    continue; // a transient error (an ICMP report) must not stop the other queries
                }
                buffer.flip();
                Message answer = parse(buffer);
                if (answer == null) {
                    continue;
                }
                int id = answer.getHeader().getID();
                Pending pending = inFlight.get(id);
                if (pending != null && pending.answeredBy(from, answer) && inFlight.compareAndSet(id, pending, null)) {
                    pending.answer().complete(answer);
                }
            }
        }

        /** The message in {@code buffer}, or null for a packet that is not one (it is dropped, as a resolver must). */
        private static Message parse(ByteBuffer buffer) {
            try {
                return new Message(buffer);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        private void failAll(IOException cause) {
            for (int id = 0; id < IDS; id++) {
                Pending pending = inFlight.getAndSet(id, null);
                if (pending != null) {
                    pending.answer().completeExceptionally(cause);
                }
            }
        }

        void close() {
            outgoing.add(Outgoing.CLOSE);
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public String toString() {
        return "DnsTransport[" + sockets.length + " UDP sockets]";
    }
}
