package dev.greenloom.crawler.dns;

import dev.greenloom.runtime.Green;
import dev.greenloom.runtime.GreenletExit;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Sends DNS queries and waits for their answers, the way bulk resolvers do: a few shared UDP
 * sockets, each with many queries in flight, answers matched to queries by id, source address and
 * question. Callers send their queries themselves; one thread per socket reads the answers in
 * batches and wakes the waiting queries, so a query costs no thread of its own. A
 * truncated UDP answer is asked again over TCP, one query per connection, at most
 * {@value #TCP_CONNECTIONS} connections to a server at once.
 * dnsjava only encodes and decodes the messages.
 *
 * <p>A query that gets no answer is sent again after a retransmission timeout adapted to each
 * server's measured round-trip time (much as TCP does, RFC 6298), never longer than the caller's limit, so
 * a packet dropped by a busy server costs a fraction of a second, not the whole lookup timeout; the
 * wait doubles with each try, so an overloaded server is not flooded. The
 * earlier tries stay in flight: an answer to any of them ends the exchange. The socket's reader
 * also keeps the tries' deadlines (one queue of deadlines per socket, checked whenever it wakes), so
 * a waiting query parks without a timer of its own: at tens of thousands of queries a second, a
 * timer set and cancelled per query cost more than the query.
 *
 * <p>How many queries each server has in flight is limited by a congestion window, as TCP limits
 * its segments (RFC 5681): it starts wide, grows by one for each window's worth of answers, and
 * drops to half the queries in flight when a first try goes unanswered, at most once per
 * retransmission timeout. A server that drops queries because its socket buffer overflows (dnsmasq's
 * holds about 200) thus gets about as many as it can take, while a slow but steady server
 * gets thousands at once. A query waiting for room in the window is not yet timed.
 *
 * <p>Safe for concurrent use by many threads.
 */
final class DnsTransport implements AutoCloseable {
    private static final int IDS = 1 << 16;
    /** The most ids exchanges may hold on one socket at once; also bounds the tries of one exchange. */
    static final int MAX_RESERVED = IDS / 2;
    private static final int MAX_UDP_ANSWER = 65_535;
    /** A DNS header's length and the offsets of its flags and section counts (RFC 1035, 4.1.1). */
    private static final int HEADER_BYTES = 12;
    private static final int FLAGS = 2;
    private static final int ANSWER_COUNT = 6;
    private static final int AUTHORITY_COUNT = 8;
    /** The response, truncation flags and the rcode in the header's flags. */
    private static final int QR_BIT = 0x8000;
    private static final int TC_BIT = 0x0200;
    private static final int RCODE_BITS = 0x000f;
    /** Large socket buffers, so that bursts of thousands of answers are not dropped by the kernel. */
    private static final int SOCKET_BUFFER = 4 << 20;
    /** The shortest retransmission timeout, however fast a server has been. */
    private static final long MIN_RETRANSMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** The retransmission timeout before a server has answered at all (RFC 6298's initial RTO). */
    private static final long INITIAL_RETRANSMIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The congestion window before any loss: wide enough for thousands of queries to a slow server. */
    private static final int INITIAL_WINDOW = 4_096;
    /** The narrowest congestion window, however lossy a server. */
    private static final int MIN_WINDOW = 16;
    /** The most TCP connections open to one server at once (unbound's outgoing-num-tcp); dnsmasq serves about 20. */
    static final int TCP_CONNECTIONS = 10;

    private final UdpSocket[] sockets;
    private final Map<InetSocketAddress, ServerState> serverStates = new ConcurrentHashMap<>();

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
     * Sends {@code query} once to each server of {@code tries} in turn until an answer comes, over
     * UDP and, once an answer is truncated, over TCP for the tries left. Each UDP try waits for the server's
     * retransmission timeout, at most {@code maxTryNanos}; the last UDP try and each TCP try wait {@code maxTryNanos}.
     * Changes the query's id. The caller must be inside the congestion window of the first try's server ({@link #enterWindow}).
     *
     * @return the answer, or null if none came in time over UDP
     * @throws IOException if a query could not be sent or the last TCP try failed
     *     ({@link SocketTimeoutException} if it got no answer in time)
     * @throws IllegalStateException if the transport is closed
     * @throws GreenletExit if the calling thread is interrupted (or {@link dev.greenloom.runtime.Timeout.Expired}
     *     if a {@code Timeout} of the calling greenlet fired); the query is abandoned
     * @throws IllegalArgumentException if there are more than {@link #MAX_RESERVED} tries
     */
    Message exchange(Message query, List<InetSocketAddress> tries, long maxTryNanos) throws IOException {
        if (tries.size() > MAX_RESERVED) {
            throw new IllegalArgumentException(tries.size() + " tries > " + MAX_RESERVED);
        }
        UdpSocket socket = sockets[ThreadLocalRandom.current().nextInt(sockets.length)];
        Exchange exchange = new Exchange(Thread.currentThread());
        Pending[] sent = new Pending[tries.size()];
        ServerState first = state(tries.getFirst());
        try {
            // Ids for every try at once: an exchange holding some while waiting for more could deadlock.
            socket.reserve(tries.size());
            try {
                for (int attempt = 0; attempt < tries.size(); attempt++) {
                    InetSocketAddress server = tries.get(attempt);
                    ServerState state = state(server);
                    boolean last = attempt == tries.size() - 1;
                    long wait = last ? maxTryNanos : state.retransmitNanos(attempt, maxTryNanos);
                    sent[attempt] = socket.send(query, server, exchange, attempt, wait);
                    Received received = exchange.await(attempt, socket);
                    if (received != null) {
                        return complete(query, received, tries, attempt, maxTryNanos);
                    }
                    if (attempt == 0) {
                        first.lost();
                    }
                }
                return null;
            } finally {
                for (Pending pending : sent) {
                    if (pending != null) {
                        socket.release(pending);
                    }
                }
                socket.unreserve(tries.size());
            }
        } finally {
            exchange.finish();
        }
    }

    /**
     * Takes room for one exchange in the congestion window of {@code servers.get(preferred)}, waiting for it if need
     * be; or, if {@code orAnother}, in the window of the first server after it (round-robin) that has room now, and
     * only if none has, waits at the preferred one. Leave the window with {@link #leaveWindow} once the exchange whose
     * first try goes to that server is over.
     *
     * @return the index of the server whose window was entered
     * @throws GreenletExit if the calling thread is interrupted while it waits
     */
    int enterWindow(List<InetSocketAddress> servers, int preferred, boolean orAnother) {
        for (int i = 0; orAnother && i < servers.size(); i++) {
            int candidate = (preferred + i) % servers.size();
            if (state(servers.get(candidate)).room.tryAcquire()) {
                return candidate;
            }
        }
        state(servers.get(preferred)).enterWindow();
        return preferred;
    }

    /** Gives back the room an exchange took in {@code server}'s congestion window. */
    void leaveWindow(InetSocketAddress server) {
        state(server).room.release();
    }

    private ServerState state(InetSocketAddress server) {
        ServerState state = serverStates.get(server);
        return state != null ? state : serverStates.computeIfAbsent(server, s -> new ServerState());
    }

    /**
     * Learns from the answer's round trip (first tries only, per Karn's rule) and follows a truncation to TCP, with the
     * tries after {@code attempt} (the last try sent) left for it.
     */
    private Message complete(Message query, Received received, List<InetSocketAddress> tries, int attempt,
            long maxTryNanos) throws IOException {
        Pending pending = received.pending();
        ServerState state = state(pending.server);
        state.answered();
        if (pending.attempt == 0) {
            state.sample(received.nanoTime() - pending.sentAt);
        }
        Message answer = received.message();
        if (!answer.getHeader().getFlag(Flags.TC)) {
            return answer;
        }
        return exchangeTcp(query, pending.server, tries, attempt, maxTryNanos);
    }

    /**
     * Asks {@code query} over TCP of {@code server}, which answered it truncated; a try that fails or times out is
     * one of {@code tries}, and the next (after {@code attempt}) asks its server over TCP again, as an unanswered UDP
     * try is sent again: an answer known to be truncated is not asked over UDP any more.
     *
     * @throws IOException the last try's failure
     */
    private Message exchangeTcp(Message query, InetSocketAddress server, List<InetSocketAddress> tries,
            int attempt, long timeoutNanos) throws IOException {
        for (InetSocketAddress next = server; ; next = tries.get(attempt)) {
            try {
                return exchangeTcp(query, next, timeoutNanos);
            } catch (IOException e) {
                if (++attempt == tries.size()) {
                    throw e;
                }
            }
        }
    }

    /**
     * One TCP try: waits for one of the server's {@value #TCP_CONNECTIONS} connections (first come, first served), then
     * asks over it, all within {@code timeoutNanos}.
     */
    private Message exchangeTcp(Message query, InetSocketAddress server, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        int timeoutMillis = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
        byte[] wire = query.toWire();
        Semaphore connections = state(server).tcpConnections;
        try {
            if (!connections.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS)) {
                throw noAnswer(server, timeoutMillis);
            }
        } catch (InterruptedException e) {
            throw Green.interrupted(e);
        }
        try (Socket socket = new Socket()) {
            socket.connect(server, millisLeft(deadline));
            var out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(wire.length);
            out.write(wire);
            out.flush();
            byte[] length = readFully(socket, new byte[2], deadline);
            Message answer = new Message(readFully(socket, new byte[((length[0] & 0xff) << 8) | (length[1] & 0xff)], deadline));
            if (!answer.getHeader().getFlag(Flags.QR) || answer.getHeader().getID() != query.getHeader().getID()
                    || !sameQuestion(query.getQuestion(), answer)) {
                throw new IOException("the answer does not match the query");
            }
            return answer;
        } catch (SocketTimeoutException e) {
            throw noAnswer(server, timeoutMillis);
        } catch (IOException e) {
            // A virtual thread interrupted in socket I/O sees the socket closed under it.
            if (Thread.currentThread().isInterrupted()) {
                throw Green.interrupted(e);
            }
            // "Connection refused" alone reads as if the UDP query had been refused.
            String why = e instanceof EOFException ? "connection closed before an answer" : e.getMessage();
            throw new IOException("TCP to " + text(server) + ": " + why, e);
        } finally {
            connections.release();
        }
    }

    /**
     * Fills {@code bytes} from the socket by {@code deadline}: a socket's timeout bounds each read alone, and a server
     * sending a byte now and then would hold the try far beyond its limit.
     *
     * @throws SocketTimeoutException if the deadline passes first
     * @throws EOFException if the connection is closed first
     */
    private static byte[] readFully(Socket socket, byte[] bytes, long deadline) throws IOException {
        InputStream in = socket.getInputStream();
        for (int filled = 0; filled < bytes.length; ) {
            if (deadline - System.nanoTime() <= 0) {
                throw new SocketTimeoutException();
            }
            socket.setSoTimeout(millisLeft(deadline));
            int read = in.read(bytes, filled, bytes.length - filled);
            if (read < 0) {
                throw new EOFException();
            }
            filled += read;
        }
        return bytes;
    }

    private static SocketTimeoutException noAnswer(InetSocketAddress server, int timeoutMillis) {
        return new SocketTimeoutException("TCP to " + text(server) + ": no answer within " + timeoutMillis + " ms");
    }

    /** The milliseconds left until {@code deadline}, at least 1 (a socket's 0 is no timeout at all). */
    private static int millisLeft(long deadline) {
        return (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /** {@code 192.0.2.1:53}, {@code [2001:db8::1]:53}. */
    private static String text(InetSocketAddress server) {
        String host = server.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + server.getPort();
    }

    static boolean sameQuestion(Record asked, Message answer) {
        Record answered = answer.getQuestion();
        return answered != null && asked.getName().equals(answered.getName()) && asked.getType() == answered.getType()
                && asked.getDClass() == answered.getDClass();
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

    @Override
    public String toString() {
        return "DnsTransport[" + sockets.length + " UDP sockets]";
    }

    /**
     * What is known of one server: its smoothed round-trip time and the time's variation (RFC 6298;
     * updates race, which only blurs an estimate), its congestion window and its TCP connections.
     */
    private static final class ServerState {
        private volatile long smoothed = -1;
        private volatile long variation;
        /** Permits for queries in flight; fewer than none after the window shrank below its use. */
        private final Room room = new Room(INITIAL_WINDOW);
        /** Permits for open TCP connections: a server serves few at once and queues the rest in a short backlog. */
        private final Semaphore tcpConnections = new Semaphore(TCP_CONNECTIONS, true);
        private final ReentrantLock windowLock = new ReentrantLock();
        /** The congestion window. Guarded by windowLock. */
        private int window = INITIAL_WINDOW;
        /** Answers since the window last grew. Guarded by windowLock. */
        private int answersSinceGrowth;
        /** When the window last shrank, in {@link System#nanoTime()} terms. Guarded by windowLock. */
        private long shrunkAt = System.nanoTime() - INITIAL_RETRANSMIT_NANOS;

        /** Waits for room in the window. */
        void enterWindow() {
            try {
                room.acquire();
            } catch (InterruptedException e) {
                throw Green.interrupted(e);
            }
        }

        /** Widens the window by one for every window's worth of answers (additive increase). */
        void answered() {
            windowLock.lock();
            try {
                if (++answersSinceGrowth >= window && window < IDS) {
                    answersSinceGrowth = 0;
                    window++;
                    room.release();
                }
            } finally {
                windowLock.unlock();
            }
        }

        /**
         * Narrows the window to half the queries in flight (multiplicative decrease), once per
         * retransmission timeout: the losses that follow a cut within that time were sent before it.
         */
        void lost() {
            windowLock.lock();
            try {
                long now = System.nanoTime();
                if (now - shrunkAt < retransmitNanos(0, Long.MAX_VALUE)) {
                    return;
                }
                shrunkAt = now;
                int inFlight = window - room.availablePermits();
                int narrower = Math.max(MIN_WINDOW, Math.min(window, inFlight) / 2);
                if (narrower < window) {
                    room.shrink(window - narrower);
                    window = narrower;
                    answersSinceGrowth = 0;
                }
            } finally {
                windowLock.unlock();
            }
        }

        void sample(long nanos) {
            long current = smoothed;
            if (current < 0) {
                smoothed = nanos;
                variation = nanos / 2;
            } else {
                variation = (3 * variation + Math.abs(current - nanos)) / 4;
                smoothed = (7 * current + nanos) / 8;
            }
        }

        /**
         * How long to wait before sending again: {@code 2 × srtt + 4 × rttvar}, at least 250 ms (1 s
         * before the first answer), doubled
         * for each earlier try (so a server that drops queries because it is overloaded is not
         * flooded), at most {@code max}. Twice the round trip, not TCP's one: a server that answers
         * steadily after 200 ms has a variation near zero, and answers delayed by a busy machine
         * must not be sent again (a spurious resend doubles the load that delayed them).
         */
        long retransmitNanos(int attempt, long max) {
            long current = smoothed;
            long timeout = current < 0 ? INITIAL_RETRANSMIT_NANOS : Math.max(MIN_RETRANSMIT_NANOS, 2 * current + 4 * variation);
            return Math.min(max, timeout << Math.min(attempt, 20));
        }
    }

    /** A semaphore whose permits can be taken away without waiting for them. */
    private static final class Room extends Semaphore {
        Room(int permits) {
            super(permits);
        }

        void shrink(int permits) {
            reducePermits(permits);
        }
    }

    /** An answer and the try it answers. */
    private record Received(Message message, Pending pending, long nanoTime) {
    }

    /**
     * The deadlines of one socket's tries, earliest first, kept by its reader alone (not thread-safe).
     * Times are nanoseconds since the queue was made, so that they compare directly (a
     * {@link System#nanoTime()} may be negative).
     *
     * <p>Tries mostly come in deadline order (they wait the same retransmission timeout, which changes
     * slowly), so they go to a few FIFO queues, added and removed without comparisons, each to the
     * queue whose last deadline is the latest one not after its own; only a try that fits none goes
     * to a heap. At tens of thousands of tries a second, a heap alone spent about 3% of the CPU
     * comparing deadlines. More than one queue, because the timeout drops from 1 s to 250 ms at a
     * server's first answer: with one queue, every try of the next second went to the heap.
     */
    private static final class Deadlines {
        /** Enough for the timeout's first drop and a few changes after it. */
        private static final int QUEUES = 4;

        private final long origin = System.nanoTime();
        /** Tries in deadline order in each queue. */
        private final List<ArrayDeque<Pending>> inOrder = new ArrayList<>(QUEUES);
        /** Tries that fitted no queue of {@link #inOrder}. */
        private final PriorityQueue<Pending> early = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));

        Deadlines() {
            for (int i = 0; i < QUEUES; i++) {
                inOrder.add(new ArrayDeque<>());
            }
        }

        /** Now, in this queue's time. */
        long now() {
            return System.nanoTime() - origin;
        }

        /** The deadline {@code waitNanos} after {@code nanoTime} (a {@link System#nanoTime()} reading), in this queue's time. */
        long at(long nanoTime, long waitNanos) {
            return nanoTime - origin + Math.max(0, waitNanos);
        }

        void add(Pending pending) {
            ArrayDeque<Pending> fit = null;
            long fitLast = Long.MIN_VALUE;
            for (int i = 0; i < QUEUES; i++) { // not an iterator: C1 would allocate it
                ArrayDeque<Pending> queue = inOrder.get(i);
                Pending last = queue.peekLast();
                long lastDeadline = last == null ? Long.MIN_VALUE : last.deadline;
                if (lastDeadline <= pending.deadline && (fit == null || lastDeadline > fitLast)) {
                    fit = queue;
                    fitLast = lastDeadline;
                }
            }
            if (fit != null) {
                fit.addLast(pending);
            } else {
                early.add(pending);
            }
        }

        /** Removes and returns the earliest try whose deadline is {@code now} or earlier, or null. */
        Pending pollDue(long now) {
            Queue<Pending> queue = firstQueue();
            Pending first = queue.peek();
            return first != null && first.deadline <= now ? queue.poll() : null;
        }

        /** The earliest deadline, or {@code none} if there are no tries. */
        long next(long none) {
            Pending first = firstQueue().peek();
            return first != null ? first.deadline : none;
        }

        /** The queue holding the earliest deadline: one of {@link #inOrder}, or {@link #early} (also when all are empty). */
        private Queue<Pending> firstQueue() {
            Queue<Pending> earliest = early;
            Pending earliestFirst = early.peek();
            for (int i = 0; i < QUEUES; i++) {
                ArrayDeque<Pending> queue = inOrder.get(i);
                Pending first = queue.peekFirst();
                if (first != null && (earliestFirst == null || first.deadline < earliestFirst.deadline)) {
                    earliest = queue;
                    earliestFirst = first;
                }
            }
            return earliest;
        }
    }

    /**
     * One try of a query, waiting for its answer on one socket under its own id until its deadline.
     * Its question and exchange are let go when the try is released: its deadline stays queued for
     * the retransmission timeout (tens of thousands of tries at 250 ms), which every young
     * collection would otherwise copy with them.
     */
    private static final class Pending {
        final int id;
        final InetSocketAddress server;
        final int attempt;
        final long sentAt;
        final long deadline;
        /** Null once released; a reader that races the release sees the old value or null, and checks. */
        private Record question;
        /** Null once released, as {@link #question}. */
        private Exchange exchange;

        Pending(int id, Record question, InetSocketAddress server, Exchange exchange, int attempt, long sentAt,
                long deadline) {
            this.id = id;
            this.question = question;
            this.server = server;
            this.exchange = exchange;
            this.attempt = attempt;
            this.sentAt = sentAt;
            this.deadline = deadline;
        }

        boolean answeredBy(SocketAddress from, Message message) {
            Record asked = question;
            return asked != null && server.equals(from) && sameQuestion(asked, message);
        }

        void clear() {
            question = null;
            exchange = null;
        }
    }

    /**
     * The tries of one query and the thread waiting for them: the socket's reader hands it the
     * answer, a failure of the socket, or the news that a try's deadline passed, and unparks it.
     */
    private static final class Exchange {
        private static final VarHandle OUTCOME;
        /** Set by {@link #finish()}: later answers and deadlines find nobody waiting. */
        private static final Object FINISHED = new Object();

        static {
            try {
                OUTCOME = MethodHandles.lookup().findVarHandle(Exchange.class, "outcome", Object.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** Null once finished, so that deadlines still queued do not keep the thread reachable. */
        private volatile Thread waiter;
        /** Null while waiting; then a {@link Received}, an {@link IOException}, or {@link #FINISHED}. */
        private volatile Object outcome;
        /** How many tries have passed their deadline (they are numbered from 0). Written by the reader only. */
        private volatile int expired;

        Exchange(Thread waiter) {
            this.waiter = waiter;
        }

        /**
         * Hands over the first answer without waking the waiter; does nothing if an answer or failure
         * came first.
         *
         * @return the thread to unpark, or null if there is none to wake
         */
        Thread answer(Received received) {
            return OUTCOME.compareAndSet(this, null, received) ? waiter : null;
        }

        void fail(IOException cause) {
            settle(cause);
        }

        /** Tells the waiter that try {@code attempt} has waited long enough. */
        void expire(int attempt) {
            if (attempt >= expired) {
                expired = attempt + 1;
                wake();
            }
        }

        private void settle(Object result) {
            if (OUTCOME.compareAndSet(this, null, result)) {
                wake();
            }
        }

        private void wake() {
            Thread thread = waiter;
            if (thread != null) {
                LockSupport.unpark(thread);
            }
        }

        /**
         * Parks the calling thread (the one that created this exchange) until an answer to any try
         * came, or try {@code attempt}'s deadline passed.
         *
         * @return the answer, or null if the deadline passed first
         * @throws IllegalStateException if the socket was closed
         * @throws GreenletExit if the thread was interrupted (or {@code Timeout.Expired}, see {@link Green#interrupted})
         */
        Received await(int attempt, UdpSocket socket) {
            while (true) {
                Object result = outcome;
                if (result instanceof Received received) {
                    return received;
                }
                if (result instanceof IOException failure) {
                    throw new IllegalStateException("resolver closed", failure);
                }
                if (expired > attempt) {
                    return null;
                }
                if (!socket.isOpen()) {
                    throw new IllegalStateException("resolver closed");
                }
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    throw Green.interrupted(new InterruptedException("DNS query abandoned"));
                }
            }
        }

        /** Ends the exchange: its answer and thread are no longer referenced from queued deadlines. */
        void finish() {
            waiter = null;
            outcome = FINISHED;
        }
    }

    /**
     * One UDP socket in non-blocking mode, its queries in flight indexed by id, and the platform
     * thread reading its answers and keeping its tries' deadlines. Callers send on the channel
     * themselves: in non-blocking mode an interrupt (a killed greenlet) does not close the channel,
     * as it would in blocking mode, taking every other query on this socket with it.
     */
    private static final class UdpSocket {
        /** What {@link #sleepingUntil} holds while the reader is awake: it looks at new deadlines before it sleeps. */
        private static final long AWAKE = Long.MIN_VALUE;
        /** What {@link #sleepingUntil} holds while the reader sleeps with no deadline to keep. */
        private static final long NO_DEADLINE = Long.MAX_VALUE;

        private final DatagramChannel channel;
        private final Selector selector;
        private final AtomicReferenceArray<Pending> inFlight = new AtomicReferenceArray<>(IDS);
        /**
         * Ids that exchanges may hold at once: half of them, so a random probe finds a free one in two
         * draws on average however many lookups and servers share the socket; an exchange beyond that
         * waits for others to end instead of spinning through taken ids.
         */
        private final Semaphore reservable = new Semaphore(MAX_RESERVED);
        /** Tries sent and not yet in {@link #deadlines}: handed from the senders to the reader. */
        private final ConcurrentLinkedQueue<Pending> started = new ConcurrentLinkedQueue<>();
        private final Deadlines deadlines = new Deadlines();
        /** The threads whose queries the last {@link #drain} answered; used by the reader alone. */
        private final List<Thread> answered = new ArrayList<>();
        /**
         * Until when the reader sleeps, in {@link Deadlines} time: a sender whose deadline comes
         * earlier wakes it. {@link #AWAKE} or {@link #NO_DEADLINE} otherwise.
         */
        private volatile long sleepingUntil = AWAKE;

        UdpSocket(int index) throws IOException {
            channel = DatagramChannel.open();
            try {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
                channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
                channel.bind(null);
                channel.configureBlocking(false);
                selector = Selector.open();
                channel.register(selector, SelectionKey.OP_READ);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            // A platform thread: it drains answers in batches and must not wait behind thousands of greenlets.
            Thread.ofPlatform().daemon().name("dns-reader-" + index).start(this::readAnswers);
        }

        boolean isOpen() {
            return channel.isOpen();
        }

        /**
         * Reserves a random free id for this try, sets it on {@code query}, sends it and gives it
         * a deadline {@code waitNanos} from now, when the reader will {@link Exchange#expire} it. A
         * full send buffer drops the query, like a lost packet: the next try covers it.
         *
         * The caller has {@link #reserve}d an id for it, and {@link #release}s the try it got.
         *
         * @throws IOException if sending failed
         * @throws IllegalStateException if the socket is closed
         */
        Pending send(Message query, InetSocketAddress server, Exchange exchange, int attempt, long waitNanos)
                throws IOException {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (true) {
                int id = random.nextInt(IDS);
                if (inFlight.get(id) != null) {
                    continue;
                }
                long now = System.nanoTime();
                Pending pending = new Pending(id, query.getQuestion(), server, exchange, attempt, now,
                        deadlines.at(now, waitNanos));
                if (inFlight.compareAndSet(id, null, pending)) {
                    query.getHeader().setID(id);
                    try {
                        channel.send(ByteBuffer.wrap(query.toWire()), server);
                    } catch (ClosedChannelException e) {
                        release(pending);
                        throw new IllegalStateException("resolver closed", e);
                    } catch (IOException e) {
                        release(pending);
                        throw e;
                    }
                    started.add(pending);
                    if (pending.deadline < sleepingUntil) {
                        selector.wakeup();
                    }
                    return pending;
                }
            }
        }

        /** Frees the try's id, unless the reader already did, and lets go of its question and exchange. */
        void release(Pending pending) {
            inFlight.compareAndSet(pending.id, pending, null);
            pending.clear();
        }

        /**
         * Waits until {@code ids} more ids may be held (all tries of one exchange, at most
         * {@link #MAX_RESERVED}); give them back with {@link #unreserve}.
         *
         * @throws GreenletExit if the thread is interrupted while it waits (nothing is then reserved)
         */
        void reserve(int ids) {
            try {
                reservable.acquire(ids);
            } catch (InterruptedException e) {
                throw Green.interrupted(e);
            }
        }

        void unreserve(int ids) {
            reservable.release(ids);
        }

        private void readAnswers() {
            ByteBuffer buffer = ByteBuffer.allocate(MAX_UDP_ANSWER);
            IOException cause = new ClosedChannelException();
            try (selector) {
                while (channel.isOpen()) {
                    long next = expireDue();
                    // Announce the sleep before the last look at new tries: a sender either sees it and wakes
                    // the selector, or its try is seen here.
                    sleepingUntil = next;
                    if (!started.isEmpty()) {
                        sleepingUntil = AWAKE;
                        continue;
                    }
                    if (next == NO_DEADLINE) {
                        selector.select();
                    } else {
                        long millis = TimeUnit.NANOSECONDS.toMillis(next - deadlines.now()) + 1;
                        selector.select(Math.max(1, millis));
                    }
                    sleepingUntil = AWAKE;
                    selector.selectedKeys().clear();
                    try {
                        drain(buffer);
                    } finally {
                        wakeAnswered(); // also when the drain failed: their answers are theirs
                    }
                }
            } catch (IOException e) {
                cause = e;
            } catch (ClosedSelectorException e) {
                // Closed by close(): the tries still waiting fail below.
            } finally {
                // Whatever ended the reader (close, an I/O error, an Error), nothing can answer or expire
                // this socket's tries any more: close it, so that no new try waits on it, then fail them.
                closeChannel();
                failAll(cause);
            }
        }

        /**
         * Queues the deadlines of the tries sent since the last call and expires the tries whose
         * deadline has passed and that are still unanswered.
         *
         * @return the next deadline, or {@link #NO_DEADLINE}
         */
        private long expireDue() {
            for (Pending pending = started.poll(); pending != null; pending = started.poll()) {
                deadlines.add(pending);
            }
            long now = deadlines.now();
            Pending due;
            while ((due = deadlines.pollDue(now)) != null) {
                Exchange exchange = due.exchange;
                if (exchange != null && inFlight.get(due.id) == due) {
                    exchange.expire(due.attempt);
                }
            }
            return deadlines.next(NO_DEADLINE);
        }

        /** Reads every answer waiting in the socket and completes the queries they answer. */
        private void drain(ByteBuffer buffer) throws IOException {
            while (true) {
                buffer.clear();
                SocketAddress from;
                try {
                    from = channel.receive(buffer);
                } catch (ClosedChannelException e) {
                    throw e;
                } catch (IOException e) {
                    continue; // a transient error (an ICMP report) must not stop the other queries
                }
                if (from == null) {
                    return;
                }
                long now = System.nanoTime();
                buffer.flip();
                Message answer = parse(buffer);
                if (answer == null) {
                    continue;
                }
                int id = answer.getHeader().getID();
                Pending pending = inFlight.get(id);
                Exchange exchange = pending != null ? pending.exchange : null;
                if (exchange != null && pending.answeredBy(from, answer) && inFlight.compareAndSet(id, pending, null)) {
                    Thread waiter = exchange.answer(new Received(answer, pending, now));
                    if (waiter != null) {
                        answered.add(waiter);
                    }
                }
            }
        }

        /**
         * Unparks the threads whose queries {@link #drain} answered. More than one are unparked from a
         * virtual thread: its unparks queue the waiters on its own carrier, without a trip each through
         * the scheduler's shared submission queue, as this platform thread's would (on 2 cores, the
         * scheduling CPU per woken greenlet fell by about a quarter).
         */
        private void wakeAnswered() {
            if (answered.size() == 1) {
                LockSupport.unpark(answered.getFirst());
            } else if (!answered.isEmpty()) {
                Thread[] waiters = answered.toArray(new Thread[0]);
                Thread.ofVirtual().start(() -> {
                    for (Thread waiter : waiters) {
                        LockSupport.unpark(waiter);
                    }
                });
            }
            answered.clear();
        }

        /**
         * The message in {@code buffer}, or null for a packet that is not an answer (it is dropped, as a
         * resolver must), a query included: our own, reflected by an echo service, is not "no records".
         * A plain answer (no error in the header, not truncated, no CNAME, and a record of the name and
         * type asked) comes without its authority and additional sections,
         * which a resolver reads only when the answer section is not enough: in a typical answer
         * they hold three of its five names, the most costly part of parsing it. Such a message's
         * rcode is the header's: an OPT's extended rcode would be lost, which a server sends only
         * to report an error, with no records (RFC 6891). Every other message is parsed in full.
         */
        private static Message parse(ByteBuffer buffer) {
            try {
                int flags = buffer.remaining() >= HEADER_BYTES ? buffer.getShort(FLAGS) : 0;
                if ((flags & QR_BIT) == 0) {
                    return null;
                }
                if ((flags & (TC_BIT | RCODE_BITS)) == 0 && buffer.getShort(ANSWER_COUNT) != 0) {
                    int otherCounts = buffer.getInt(AUTHORITY_COUNT); // and the additional count after it
                    buffer.putInt(AUTHORITY_COUNT, 0);
                    Message plain;
                    try {
                        plain = new Message(buffer.duplicate());
                    } finally {
                        buffer.putInt(AUTHORITY_COUNT, otherCounts);
                    }
                    if (isPlainAnswer(plain)) {
                        return plain;
                    }
                }
                return new Message(buffer);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /** Whether the answer section holds a record of the name and type asked, and no CNAME. */
        private static boolean isPlainAnswer(Message message) {
            Record question = message.getQuestion();
            if (question == null) {
                return false;
            }
            boolean found = false;
            for (Record record : message.getSection(Section.ANSWER)) {
                if (record.getType() == Type.CNAME) {
                    return false;
                }
                found |= record.getType() == question.getType() && record.getName().equals(question.getName());
            }
            return found;
        }

        private void failAll(IOException cause) {
            for (int id = 0; id < IDS; id++) {
                Pending pending = inFlight.get(id);
                Exchange exchange = pending != null ? pending.exchange : null;
                if (exchange != null && inFlight.compareAndSet(id, pending, null)) {
                    exchange.fail(cause);
                }
            }
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                selector.wakeup();
            }
        }

        private void closeChannel() {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing a datagram channel only fails if it is already broken; it is closed all the same.
            }
        }
    }
}
