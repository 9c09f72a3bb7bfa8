package dev.greenloom.crawler.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A DNS server for tests on 127.0.0.1, UDP and TCP on the same port, answering from a map of names
 * to records (unknown names: NXDOMAIN). Names can be made to fail (SERVFAIL, REFUSED), never
 * answer, answer late, or answer truncated over UDP (forcing TCP). It counts the queries per name.
 */
public final class TestDnsServer implements AutoCloseable {
    private static final Name ZONE = name("test.");

    /** What the server does with queries for a name, instead of answering from the zone. */
    public enum Behaviour {
        SERVFAIL, REFUSED, SILENT, TRUNCATE, DROP_FIRST,
        /** A server that does not know EDNS(0): FORMERR, without an OPT record, to a query with one. */
        NO_EDNS
    }

    private final Map<Name, List<Record>> zone = new ConcurrentHashMap<>();
    private final Map<Name, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<Name, AtomicInteger> queries = new ConcurrentHashMap<>();
    private final AtomicInteger tcpQueries = new AtomicInteger();
    /** TCP queries being answered, now and at most: a lower bound of the client's connections at once. */
    private final AtomicInteger tcpQueriesOpen = new AtomicInteger();
    private final AtomicInteger mostTcpQueriesOpen = new AtomicInteger();
    /** How many of the next TCP connections fail to answer their query. */
    private final AtomicInteger tcpFailures = new AtomicInteger();
    /** UDP answers waiting out the {@link #delay}, now and at most. */
    private final AtomicInteger heldBack = new AtomicInteger();
    private final AtomicInteger mostHeldBack = new AtomicInteger();
    /** Signalled whenever a query is counted. */
    private final ReentrantLock countLock = new ReentrantLock();
    private final Condition counted = countLock.newCondition();
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    private final DatagramChannel udp;
    private final ServerSocket tcp;
    private volatile Duration delay = Duration.ZERO;
    private volatile boolean followCnames = true;
    /** Whether a failing TCP connection holds its query unanswered (or closes at once). */
    private volatile boolean tcpSilent;
    /** How long apart the bytes of a TCP answer are written; null to write it at once. */
    private volatile Duration tcpDrip;

    private TestDnsServer(DatagramChannel udp, ServerSocket tcp) {
        this.udp = udp;
        this.tcp = tcp;
        Thread.ofVirtual().name("test-dns-udp").start(this::serveUdp);
        Thread.ofVirtual().name("test-dns-tcp").start(this::serveTcp);
    }

    /** Starts a server on a free port of 127.0.0.1. */
    public static TestDnsServer start() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; ; attempt++) {
            DatagramChannel udp = DatagramChannel.open();
            // Room for bursts of thousands of queries, as production servers configure (NSD's so-rcvbuf).
            udp.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            udp.bind(new InetSocketAddress(loopback, 0));
            int port = ((InetSocketAddress) udp.getLocalAddress()).getPort();
            try {
                return new TestDnsServer(udp, new ServerSocket(port, 512, loopback));
            } catch (IOException e) {
                udp.close();
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    /** Where the server listens. */
    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.getLocalPort());
    }

    /** {@code 127.0.0.1:port}, for the command line. */
    public String hostPort() {
        return "127.0.0.1:" + tcp.getLocalPort();
    }

    /** Adds a record: {@code add("a.test", "A", "192.0.2.1")}, {@code add("m.test", "MX", "10 mx.test.")}. */
    public TestDnsServer add(String owner, String type, String rdata) {
        return add(owner, "IN", type, rdata);
    }

    /** Adds a record of a class ({@code "CH"}); the server gives it in answers to queries of any class. */
    public TestDnsServer add(String owner, String dclass, String type, String rdata) {
        Name name = name(owner);
        try {
            Record record = Record.fromString(name, Type.value(type), DClass.value(dclass), 60, rdata, Name.root);
            zone.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Makes the server answer queries for {@code owner} this way. */
    public TestDnsServer behave(String owner, Behaviour behaviour) {
        behaviours.put(name(owner), behaviour);
        return this;
    }

    /** Delays every answer by {@code delay}. */
    public TestDnsServer delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** Whether an answer follows a CNAME to its target's records (true), or stops at the CNAME. */
    public TestDnsServer followCnames(boolean follow) {
        this.followCnames = follow;
        return this;
    }

    /** How many queries (UDP and TCP, any type) asked for {@code owner}. */
    public int queries(String owner) {
        AtomicInteger count = queries.get(name(owner));
        return count == null ? 0 : count.get();
    }

    /**
     * Waits until {@code count} queries have asked for {@code owner}.
     *
     * @return false if {@code timeout} passed first
     */
    public boolean awaitQueries(String owner, int count, Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        countLock.lock();
        try {
            while (queries(owner) < count) {
                if (left <= 0) {
                    return false;
                }
                left = counted.awaitNanos(left);
            }
            return true;
        } finally {
            countLock.unlock();
        }
    }

    /** The most UDP answers that were waiting out the {@link #delay} at once: how many queries a client had in flight. */
    public int mostAnswersHeldBack() {
        return mostHeldBack.get();
    }

    /** Stops serving TCP: connections to the port are refused from now on; UDP goes on. */
    public TestDnsServer closeTcp() throws IOException {
        tcp.close();
        return this;
    }

    /** Makes TCP connections read queries and never answer; UDP goes on. */
    public TestDnsServer silenceTcp() {
        return failTcp(Integer.MAX_VALUE, true);
    }

    /**
     * Makes the next {@code connections} TCP connections read a query and not answer it: close at once, or, if
     * {@code silently}, wait until the client gives up. Later connections are answered; UDP goes on.
     */
    public TestDnsServer failTcp(int connections, boolean silently) {
        tcpSilent = silently;
        tcpFailures.set(connections);
        return this;
    }

    /** Makes TCP answers trickle out a byte at a time, {@code interval} apart: each read gets a byte before it times out. */
    public TestDnsServer dripTcp(Duration interval) {
        tcpDrip = interval;
        return this;
    }

    /**
     * The most TCP queries that were being answered at once (read, the answer not yet written): a client that sends
     * one query per connection had at least as many connections open at once.
     */
    public int mostTcpQueriesAtOnce() {
        return mostTcpQueriesOpen.get();
    }

    /** How many queries came over TCP. */
    public int tcpQueries() {
        return tcpQueries.get();
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private void serveUdp() {
        ByteBuffer buffer = ByteBuffer.allocate(65_535);
        while (udp.isOpen()) {
            try {
                buffer.clear();
                SocketAddress client = udp.receive(buffer);
                buffer.flip();
                Message answer = answer(new Message(buffer), true);
                if (answer != null) {
                    ByteBuffer wire = ByteBuffer.wrap(answer.toWire());
                    if (delay.isZero()) {
                        udp.send(wire, client);
                    } else {
                        mostHeldBack.accumulateAndGet(heldBack.incrementAndGet(), Math::max);
                        later.schedule(() -> {
                            heldBack.decrementAndGet();
                            return udp.send(wire, client);
                        }, delay.toNanos(), TimeUnit.NANOSECONDS);
                    }
                }
            } catch (IOException e) {
                // Closed, or a packet that is not DNS: the loop condition decides.
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            try {
                Socket connection = tcp.accept();
                Thread.ofVirtual().start(() -> serveTcp(connection));
            } catch (IOException e) {
                // Closed: the loop ends.
            }
        }
    }

    private void serveTcp(Socket connection) {
        try (connection) {
            var in = new DataInputStream(connection.getInputStream());
            var out = new DataOutputStream(connection.getOutputStream());
            boolean fail = tcpFailures.getAndUpdate(left -> Math.max(0, left - 1)) > 0;
            while (true) {
                byte[] query = new byte[in.readUnsignedShort()];
                in.readFully(query);
                tcpQueries.incrementAndGet();
                if (fail) {
                    if (tcpSilent) {
                        in.read(); // until the client gives up and closes
                    }
                    return;
                }
                // Not counted while the answer is written: the client may open its next connection as soon as it has read it.
                mostTcpQueriesOpen.accumulateAndGet(tcpQueriesOpen.incrementAndGet(), Math::max);
                Message answer;
                try {
                    answer = answer(new Message(query), false);
                    Thread.sleep(delay);
                } finally {
                    tcpQueriesOpen.decrementAndGet();
                }
                if (answer == null) {
                    return;
                }
                byte[] wire = answer.toWire();
                Duration drip = tcpDrip;
                if (drip != null) {
                    drip(connection, wire, drip);
                    return;
                }
                out.writeShort(wire.length);
                out.write(wire);
                out.flush();
            }
        } catch (EOFException e) {
            // The client is done.
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes the framed answer a byte at a time, {@code interval} apart, until done or the client has gone. */
    private static void drip(Socket connection, byte[] wire, Duration interval) throws InterruptedException {
        byte[] framed = new byte[wire.length + 2];
        framed[0] = (byte) (wire.length >> 8);
        framed[1] = (byte) wire.length;
        System.arraycopy(wire, 0, framed, 2, wire.length);
        try {
            for (byte b : framed) {
                connection.getOutputStream().write(b);
                Thread.sleep(interval);
            }
        } catch (IOException e) {
            // The client gave up.
        }
    }

    /** The answer to {@code query}, or null to stay silent. */
    private Message answer(Message query, boolean udp) {
        Record question = query.getQuestion();
        Name asked = question.getName();
        int count = queries.computeIfAbsent(asked, n -> new AtomicInteger()).incrementAndGet();
        countLock.lock();
        try {
            counted.signalAll();
        } finally {
            countLock.unlock();
        }
        Behaviour behaviour = behaviours.get(asked);
        if (behaviour == Behaviour.SILENT || (behaviour == Behaviour.DROP_FIRST && count == 1)) {
            return null;
        }
        Message answer = new Message(query.getHeader().getID());
        answer.getHeader().setFlag(Flags.QR);
        answer.getHeader().setFlag(Flags.RD);
        answer.getHeader().setFlag(Flags.RA);
        answer.addRecord(question, Section.QUESTION);
        if (behaviour == Behaviour.SERVFAIL) {
            answer.getHeader().setRcode(Rcode.SERVFAIL);
            return answer;
        }
        if (behaviour == Behaviour.REFUSED) {
            answer.getHeader().setRcode(Rcode.REFUSED);
            return answer;
        }
        if (behaviour == Behaviour.NO_EDNS && query.getOPT() != null) {
            answer.getHeader().setRcode(Rcode.FORMERR);
            return answer;
        }
        if (behaviour == Behaviour.TRUNCATE && udp) {
            answer.getHeader().setFlag(Flags.TC);
            return answer;
        }
        Name current = asked;
        for (int hop = 0; hop < 20; hop++) {
            List<Record> records = zone.get(current);
            if (records == null) {
                answer.getHeader().setRcode(Rcode.NXDOMAIN);
                answer.addRecord(soa(), Section.AUTHORITY);
                return answer;
            }
            List<Record> matching = new ArrayList<>();
            CNAMERecord alias = null;
            for (Record record : records) {
                if (record.getType() == question.getType()) {
                    matching.add(record);
                } else if (record instanceof CNAMERecord cname) {
                    alias = cname;
                }
            }
            if (alias != null && matching.isEmpty()) {
                answer.addRecord(alias, Section.ANSWER);
                if (!followCnames) {
                    return answer;
                }
                current = alias.getTarget();
                continue;
            }
            matching.forEach(record -> answer.addRecord(record, Section.ANSWER));
            if (matching.isEmpty()) {
                answer.addRecord(soa(), Section.AUTHORITY);
            } else {
                // The zone's server and its address, as authoritative servers (NSD) add to an answer.
                answer.addRecord(new NSRecord(ZONE, DClass.IN, 60, name("ns.test.")), Section.AUTHORITY);
                answer.addRecord(new ARecord(name("ns.test."), DClass.IN, 60, InetAddress.getLoopbackAddress()),
                        Section.ADDITIONAL);
            }
            return answer;
        }
        return answer;
    }

    private static SOARecord soa() {
        return new SOARecord(ZONE, DClass.IN, 60, name("ns.test."), name("admin.test."), 1, 3600, 600, 86400, 60);
    }

    @Override
    public void close() throws IOException {
        later.shutdownNow();
        udp.close();
        tcp.close();
    }
}
