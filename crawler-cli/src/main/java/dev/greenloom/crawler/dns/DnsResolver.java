package dev.greenloom.crawler.dns;

import dev.greenloom.crawler.dns.Resolution.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A stub resolver built for many concurrent lookups: every {@link #resolve} blocks only its own
 * (virtual) thread, while the queries of all callers share a few UDP sockets (see
 * {@link DnsTransport}), so ten thousand lookups in flight cost ten thousand parked virtual threads
 * and small records, not ten thousand platform threads or sockets. Names are checked and converted to punycode first
 * ({@link HostNames}); CNAME chains are followed and reported; truncated answers are asked again
 * over TCP; a server that does not know EDNS(0) (FORMERR without an OPT record) is asked again
 * without it; a query without an answer is sent again (to the next server when there are several)
 * after the server's measured round-trip time allows, at most after {@code lookupTimeout}; a
 * server failure (SERVFAIL, REFUSED, a network error such as a refused TCP retry) sends it to the next
 * server, each server once; and queries are spread over the servers round-robin (with the system's
 * servers only if {@code resolv.conf} says {@code options rotate}; otherwise each query asks the first
 * server first, the others being its fallbacks, as the C library does).
 *
 * <p>Without explicit servers, the system's configuration applies: {@code /etc/hosts} first (for
 * A and AAAA: a name it lists is answered from it alone, as the C library's {@code getaddrinfo}
 * does, a family it gives no address having no data), then the nameservers and the {@code search}/{@code ndots} rules of
 * {@code /etc/resolv.conf}, as read by dnsjava's {@link ResolverConfig}; a hosts file is read once
 * ({@link HostsFile}), and names match it whatever their case.
 *
 * <pre>{@code
 * try (DnsResolver resolver = DnsResolver.builder()
 *         .servers(List.of(new InetSocketAddress("127.0.0.1", 53)))
 *         .lookupTimeout(Duration.ofSeconds(1))
 *         .build()) {
 *     Resolution r = resolver.resolve("example.com", RecordType.A);
 * }
 * }</pre>
 *
 * <p>Safe for concurrent use; create one per process and close it when done.
 */
public final class DnsResolver implements Resolver, AutoCloseable {
    /** The most retries a lookup may make: every try holds a query id while the lookup lasts. */
    public static final int MAX_RETRIES = 100;
    /** The UDP payload size advertised with EDNS(0): the size recommended to avoid IP fragmentation. */
    private static final int EDNS_PAYLOAD = 1232;
    private static final int MAX_CNAME_HOPS = 16;
    private static final int DNS_PORT = 53;
    /** dnsjava's number of each {@link RecordType}, by ordinal. */
    private static final int[] RR_TYPES = Arrays.stream(RecordType.values()).mapToInt(type -> Type.value(type.name())).toArray();

    private final List<InetSocketAddress> servers;
    private final Duration lookupTimeout;
    private final long lookupTimeoutNanos;
    private final int retries;
    private final List<Name> searchPath;
    private final int ndots;
    private final HostsFile hostsFile;
    private final DnsTransport transport;
    private final AtomicInteger nextServer = new AtomicInteger();
    /** Whether queries start at each server in turn, or all at the first. */
    private final boolean rotate;
    /** For each first server, the servers of a query's tries: round-robin from it, one per retry. */
    private final List<List<InetSocketAddress>> triesByFirstServer;
    /** Why a query without an answer failed. */
    private final String timeoutText;

    private DnsResolver(Builder builder) {
        if (builder.servers.isEmpty()) {
            ResolverConfig config = ResolverConfig.getCurrentConfig();
            this.servers = answering(sendable(config.servers()));
            this.searchPath = List.copyOf(config.searchPath());
            this.ndots = config.ndots();
            this.hostsFile = HostsFile.read(builder.hostsFile != null ? builder.hostsFile : systemHostsFile());
            this.rotate = rotates(builder.resolvConf, System.getenv("RES_OPTIONS"));
        } else {
            this.servers = answering(builder.servers);
            this.searchPath = List.of();
            this.ndots = 1;
            this.hostsFile = builder.hostsFile != null ? HostsFile.read(builder.hostsFile) : HostsFile.EMPTY;
            this.rotate = true;
        }
        if (servers.isEmpty()) {
            throw new IllegalStateException("no DNS servers configured");
        }
        this.lookupTimeout = builder.lookupTimeout;
        this.lookupTimeoutNanos = lookupTimeout.toNanos();
        this.retries = builder.retries;
        List<List<InetSocketAddress>> tries = new ArrayList<>(servers.size());
        for (int first = 0; first < servers.size(); first++) {
            List<InetSocketAddress> fromFirst = new ArrayList<>(retries + 1);
            for (int attempt = 0; attempt <= retries; attempt++) {
                fromFirst.add(servers.get((first + attempt) % servers.size()));
            }
            tries.add(List.copyOf(fromFirst));
        }
        this.triesByFirstServer = List.copyOf(tries);
        this.timeoutText = "timeout after " + (retries + 1) + (retries == 0 ? " try" : " tries") + " (lookup timeout "
                + text(lookupTimeout) + ")";
        try {
            this.transport = new DnsTransport(builder.sockets);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open UDP sockets: " + e.getMessage(), e);
        }
    }

    /**
     * A builder with the defaults: system configuration, at most 2 s per try, 3 retries, one UDP
     * socket per two processors (1 to 4).
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A resolver with the system's configuration and the defaults of {@link #builder()}. */
    public static DnsResolver system() {
        return builder().build();
    }

    /** The servers queried, round-robin. */
    public List<InetSocketAddress> servers() {
        return servers;
    }

    /** How long one query waits for its answer before it is retried or given up. */
    public Duration lookupTimeout() {
        return lookupTimeout;
    }

    /** How many times a query that got no answer is sent again. */
    public int retries() {
        return retries;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Takes at most about {@code (retries + 1) × lookupTimeout} per query, and a CNAME chain
     * that the server did not resolve in one answer costs one more query per hop. Killing the
     * calling greenlet (an interrupt) abandons the query at once: it throws {@code GreenletExit},
     * or {@code Timeout.Expired} if a {@code Timeout} of the greenlet fired.
     *
     * @throws IllegalStateException if this resolver is closed
     */
    @Override
    public Resolution resolve(String name, RecordType type) {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(type, "type == null");
        Resolution literal = literal(name, type);
        if (literal != null) {
            return literal;
        }
        String ascii;
        Name absolute;
        try {
            ascii = HostNames.toAscii(name);
            absolute = Name.fromString(ascii, Name.root);
        } catch (IllegalArgumentException | TextParseException e) {
            return failure(name, type, Outcome.BAD_INPUT, "invalid name: " + e.getMessage(), List.of());
        }
        if ((type == RecordType.A || type == RecordType.AAAA) && hostsFile.lists(ascii)) {
            List<String> fromHosts = hostsFile.addresses(ascii, type).stream().map(address -> format(absolute, address)).toList();
            return !fromHosts.isEmpty()
                    ? new Resolution(ascii, type, Outcome.OK, fromHosts, List.of(), null)
                    : failure(ascii, type, Outcome.NO_DATA, "the hosts file gives it no " + type + " address", List.of());
        }
        Resolution first = null;
        // A candidate that exists without records of the type is the answer if no later one has some, whatever
        // those later ones say: as the C library's res_search, an NXDOMAIN or a failing search domain after it
        // must not turn "no AAAA records" into an error for a name whose A records were found.
        Resolution noData = null;
        // A server failure does not end the search either, as in res_search: a later candidate may have the name.
        // It is the answer if none has, and no candidate exists without records; a timeout ends the search.
        Resolution failed = null;
        for (Name candidate : candidates(absolute, HostNames.endsWithDot(name))) {
            Resolution resolution = lookup(ascii, candidate, type);
            Outcome outcome = resolution.outcome();
            if (outcome == Outcome.NO_DATA && noData == null) {
                noData = resolution;
            }
            if (outcome == Outcome.SERVER_FAILURE && failed == null) {
                failed = resolution;
            }
            if (outcome == Outcome.OK || outcome == Outcome.TIMEOUT) {
                return outcome == Outcome.OK || noData == null ? resolution : noData;
            }
            if (candidate.equals(absolute) || first == null) {
                first = resolution;
            }
        }
        return noData != null ? noData : failed != null ? failed : first;
    }

    /**
     * An IP address given as the name (IPv6 with or without brackets) answers itself, without a lookup: A for an
     * IPv4 address, AAAA for an IPv6 one, no data for any other type but PTR, which is looked up under the
     * address's reverse name ({@code 192.0.2.1} → {@code 1.2.0.192.in-addr.arpa}). Null when the name is not an address.
     */
    private Resolution literal(String name, RecordType type) {
        byte[] bytes = HostNames.address(name);
        if (bytes == null) {
            return null;
        }
        String text = HostNames.unbracketed(name);
        if (type == RecordType.PTR) {
            return lookup(text, ReverseMap.fromAddress(bytes), type);
        }
        RecordType own = bytes.length == 4 ? RecordType.A : RecordType.AAAA;
        if (type != own) {
            return failure(text, type, Outcome.NO_DATA, "an IP address has no " + type + " records", List.of());
        }
        Record record;
        try {
            // The AAAA record from the bytes: InetAddress makes an IPv4-mapped address (::ffff:192.0.2.1) IPv4.
            record = own == RecordType.A ? new ARecord(Name.root, DClass.IN, 0, InetAddress.getByAddress(bytes))
                    : new AAAARecord(Name.root, DClass.IN, 0, bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are an address", e);
        }
        return new Resolution(text, type, Outcome.OK, List.of(text(record)), List.of(), null);
    }

    /** The names to try, per resolv.conf's search and ndots rules; only the name itself without a search path. */
    private List<Name> candidates(Name absolute, boolean givenAsAbsolute) {
        if (givenAsAbsolute || searchPath.isEmpty()) {
            return List.of(absolute);
        }
        List<Name> searched = new ArrayList<>(searchPath.size());
        for (Name suffix : searchPath) {
            try {
                searched.add(Name.concatenate(absolute.relativize(Name.root), suffix));
            } catch (NameTooLongException e) {
                // This suffix makes the name too long; the others may not.
            }
        }
        List<Name> all = new ArrayList<>(searched.size() + 1);
        if (dots(absolute) >= ndots) {
            all.add(absolute);
            all.addAll(searched);
        } else {
            all.addAll(searched);
            all.add(absolute);
        }
        return all;
    }

    /** The dots in the name as written, without the root's. */
    private static int dots(Name absolute) {
        return absolute.labels() - 2;
    }

    /**
     * The servers a query can be sent to. dnsjava leaves a link-local server given with its interface
     * ({@code nameserver fe80::1%eth0}) unresolved; its address is made from the literal, or, without such an
     * interface, it is left out, as the C library's sends to it fail and it asks the next server. With none left,
     * the local server, as the C library and dnsjava take when {@code resolv.conf} names none.
     */
    private static List<InetSocketAddress> sendable(List<InetSocketAddress> servers) {
        List<InetSocketAddress> sendable = new ArrayList<>(servers.size());
        for (InetSocketAddress server : servers) {
            if (!server.isUnresolved()) {
                sendable.add(server);
                continue;
            }
            String host = server.getHostString();
            try {
                // In brackets the JDK only parses an IPv6 literal; it never looks a name up (through the system's resolver).
                sendable.add(new InetSocketAddress(InetAddress.getByName(host.startsWith("[") ? host : "[" + host + "]"),
                        server.getPort()));
            } catch (UnknownHostException e) {
                // No such interface, or not an address at all.
            }
        }
        if (sendable.isEmpty() && !servers.isEmpty()) {
            return List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), DNS_PORT));
        }
        return List.copyOf(sendable);
    }

    /**
     * {@code servers}, each wildcard address (0.0.0.0, ::) among them replaced by the loopback address of its family:
     * the kernel delivers a query sent to the wildcard to this host, whose answer comes from the loopback address,
     * and must match.
     */
    private static List<InetSocketAddress> answering(List<InetSocketAddress> servers) {
        List<InetSocketAddress> answering = new ArrayList<>(servers.size());
        for (InetSocketAddress server : servers) {
            InetAddress address = server.getAddress();
            if (address == null || !address.isAnyLocalAddress()) {
                answering.add(server);
                continue;
            }
            byte[] loopback = new byte[address.getAddress().length];
            loopback[0] = (byte) (loopback.length == 4 ? 127 : 0);
            loopback[loopback.length - 1] = 1;
            try {
                answering.add(new InetSocketAddress(InetAddress.getByAddress(loopback), server.getPort()));
            } catch (UnknownHostException e) {
                throw new AssertionError("4 or 16 bytes are an address", e);
            }
        }
        return List.copyOf(answering);
    }

    /**
     * Whether the C library would spread queries over the servers: {@code options rotate} in {@code resolvConf} or
     * in {@code resOptions} (the {@code RES_OPTIONS} variable). A file that cannot be read does not rotate.
     */
    private static boolean rotates(Path resolvConf, String resOptions) {
        if (resOptions != null && Arrays.asList(resOptions.strip().split("\\s+")).contains("rotate")) {
            return true;
        }
        try {
            for (String line : Files.readAllLines(resolvConf, StandardCharsets.ISO_8859_1)) {
                List<String> words = Arrays.asList(line.strip().split("\\s+"));
                if (words.getFirst().equals("options") && words.contains("rotate")) {
                    return true;
                }
            }
        } catch (IOException e) {
            // No resolv.conf: the C library asks its one default server.
        }
        return false;
    }

    /** The hosts file of this operating system, as dnsjava locates it. */
    private static Path systemHostsFile() {
        String windows = System.getProperty("os.name").startsWith("Windows") ? System.getenv("SystemRoot") : null;
        return windows != null ? Path.of(windows, "System32", "drivers", "etc", "hosts") : Path.of("/etc/hosts");
    }

    private static String format(Name name, InetAddress address) {
        return text(address.getAddress().length == 4
                ? new ARecord(name, DClass.IN, 0, address)
                : new AAAARecord(name, DClass.IN, 0, address));
    }

    /** A record's data in presentation form, IPv6 addresses in RFC 5952's short form ({@code 2001:db8::1}). */
    private static String text(Record record) {
        if (record instanceof AAAARecord aaaa) {
            byte[] bytes = aaaa.getAddress().getAddress();
            // Java turns an IPv4-mapped address into an IPv4 one.
            return bytes.length == 4 ? "::ffff:" + aaaa.getAddress().getHostAddress() : ipv6Text(bytes);
        }
        return record.rdataToString();
    }

    /** The RFC 5952 text of a 16-byte address: lower-case hex, the longest run of two or more zero groups as {@code ::}. */
    static String ipv6Text(byte[] address) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        int zerosStart = -1;
        int zerosLength = 1;
        for (int i = 0; i < 8; ) {
            int end = i;
            while (end < 8 && groups[end] == 0) {
                end++;
            }
            if (end - i > zerosLength) {
                zerosStart = i;
                zerosLength = end - i;
            }
            i = Math.max(end, i + 1);
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == zerosStart) {
                text.append("::");
                i += zerosLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /** Resolves one absolute name, following CNAMEs over as many queries as the server needs. */
    private Resolution lookup(String display, Name qname, RecordType type) {
        int rrType = RR_TYPES[type.ordinal()];
        List<String> cnames = new ArrayList<>();
        Name current = qname;
        int first = 0;
        int failedServers = 0;
        boolean edns = true;
        boolean askAgain = false;
        while (true) {
            // Round-robin (or the first), but after a server failed or refused, the next (as the C library asks it),
            // and after it did not know EDNS, the same one again.
            // Round-robin, a server whose congestion window is full (a dead one's narrows to a few queries) passes
            // its turn to the next with room: the queries must not queue for it a try's timeout apiece.
            boolean roundRobin = rotate && failedServers == 0 && !askAgain;
            first = transport.enterWindow(servers, askAgain ? first : failedServers > 0 ? (first + 1) % servers.size()
                    : roundRobin ? Math.floorMod(nextServer.getAndIncrement(), servers.size()) : 0, roundRobin);
            askAgain = false;
            // The query is sent from here, not from a helper: a parked lookup's frames are copied to the
            // heap, and every frame less is less to copy and to collect, tens of thousands of times a second.
            Message answer;
            try {
                answer = transport.exchange(newQuery(current, rrType, edns), triesByFirstServer.get(first), lookupTimeoutNanos);
            } catch (IOException e) {
                // As a SERVFAIL: a server whose TCP is down or silent (a truncated answer) may not be the only one.
                if (++failedServers < servers.size()) {
                    continue;
                }
                return e instanceof SocketTimeoutException
                        ? failure(display, type, Outcome.TIMEOUT, e.getMessage(), cnames)
                        : failure(display, type, Outcome.SERVER_FAILURE, "network error: " + e.getMessage(), cnames);
            } finally {
                transport.leaveWindow(servers.get(first));
            }
            if (answer == null) {
                return failure(display, type, Outcome.TIMEOUT, timeoutText, cnames);
            }
            int rcode = answer.getRcode();
            if (rcode == Rcode.FORMERR && edns && answer.getOPT() == null) {
                // A server that does not know EDNS(0) says FORMERR without an OPT record of its own: ask it again
                // without one (RFC 6891, 7), as c-ares does; the C library sends no OPT record at all.
                edns = false;
                askAgain = true;
                continue;
            }
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                if (++failedServers < servers.size()) {
                    continue;
                }
                return failure(display, type, Outcome.SERVER_FAILURE, Rcode.string(rcode), cnames);
            }
            failedServers = 0;
            Name asked = current;
            if (rrType != Type.CNAME) {
                for (Name target = cnameTarget(answer, current); target != null; target = cnameTarget(answer, current)) {
                    String shown = presentation(target);
                    // A loop shown as such, once: not as a chain of 16 hops that goes round and round.
                    if (target.equals(qname) || cnames.stream().anyMatch(shown::equalsIgnoreCase)) {
                        return failure(display, type, Outcome.SERVER_FAILURE, "CNAME loop at " + shown, cnames);
                    }
                    if (cnames.size() >= MAX_CNAME_HOPS) {
                        return failure(display, type, Outcome.SERVER_FAILURE,
                                "CNAME chain longer than " + MAX_CNAME_HOPS, cnames);
                    }
                    cnames.add(shown);
                    current = target;
                }
            }
            List<String> records = new ArrayList<>();
            for (Record record : answer.getSection(Section.ANSWER)) {
                if (record.getType() == rrType && record.getDClass() == DClass.IN && record.getName().equals(current)) {
                    records.add(text(record));
                }
            }
            if (rcode == Rcode.NXDOMAIN) {
                return failure(display, type, Outcome.NXDOMAIN, "NXDOMAIN", cnames);
            }
            if (!records.isEmpty()) {
                return new Resolution(display, type, Outcome.OK, records, cnames, null);
            }
            boolean chainUnfinished = !current.equals(asked) && answer.getSection(Section.AUTHORITY).stream()
                    .noneMatch(record -> record.getType() == Type.SOA);
            if (!chainUnfinished) {
                return failure(display, type, Outcome.NO_DATA, "no " + type + " records", cnames);
            }
        }
    }

    /** The target of the CNAME of {@code owner} in the answer; only of class IN, the class every query asks. */
    private static Name cnameTarget(Message answer, Name owner) {
        for (Record record : answer.getSection(Section.ANSWER)) {
            if (record instanceof CNAMERecord cname && cname.getDClass() == DClass.IN && cname.getName().equals(owner)) {
                return cname.getTarget();
            }
        }
        return null;
    }

    private static String presentation(Name name) {
        String text = name.toString(true);
        return text.isEmpty() ? "." : text;
    }

    /** A query for {@code name} and {@code rrType}, with the recursion flag and maybe EDNS(0); the transport sets its id. */
    private static Message newQuery(Name name, int rrType, boolean edns) {
        // Not Message.newQuery: its random id comes from a synchronized SecureRandom.
        Message query = new Message(0);
        query.getHeader().setFlag(Flags.RD);
        query.addRecord(Record.newRecord(name, rrType, DClass.IN), Section.QUESTION);
        if (edns) {
            query.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
        }
        return query;
    }

    private static String text(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static Resolution failure(String name, RecordType type, Outcome outcome, String error, List<String> cnames) {
        return new Resolution(name, type, outcome, List.of(), cnames, error);
    }

    /** Closes the sockets; lookups in flight fail with {@link IllegalStateException}. */
    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "DnsResolver[servers=" + servers + ", lookupTimeout=" + lookupTimeout + ", retries=" + retries + "]";
    }

    /** Settings for a {@link DnsResolver}. Not thread-safe. */
    public static final class Builder {
        private List<InetSocketAddress> servers = List.of();
        private Duration lookupTimeout = Duration.ofSeconds(2);
        private int retries = 3;
        private int sockets = Math.clamp(Runtime.getRuntime().availableProcessors() / 2, 1, 4);
        private Path hostsFile;
        private Path resolvConf = Path.of("/etc/resolv.conf");

        private Builder() {
        }

        /**
         * The servers to query, round-robin; empty (the default) for the system's configuration
         * ({@code /etc/hosts}, then {@code /etc/resolv.conf}).
         */
        public Builder servers(List<InetSocketAddress> servers) {
            Objects.requireNonNull(servers, "servers == null");
            this.servers = List.copyOf(servers);
            return this;
        }

        /**
         * A hosts file ({@code address name [alias...]} lines) that answers A and AAAA queries
         * before DNS; default: the system's ({@code /etc/hosts}) with the system's servers, none
         * with {@link #servers explicit ones}.
         */
        public Builder hostsFile(Path hostsFile) {
            this.hostsFile = Objects.requireNonNull(hostsFile, "hostsFile == null");
            return this;
        }

        /** The resolv.conf whose {@code options rotate} applies to the system's servers; for tests. */
        Builder resolvConf(Path resolvConf) {
            this.resolvConf = Objects.requireNonNull(resolvConf, "resolvConf == null");
            return this;
        }

        /**
         * The longest one try of a query waits for an answer, default 2 s. A server that has been
         * answering gets the next try sooner, after its round-trip time plus four times its
         * variation (at least 250 ms, doubling with each try), as TCP retransmits; a late answer to
         * an earlier try still counts.
         */
        public Builder lookupTimeout(Duration lookupTimeout) {
            Objects.requireNonNull(lookupTimeout, "lookupTimeout == null");
            if (lookupTimeout.isNegative() || lookupTimeout.isZero()) {
                throw new IllegalArgumentException("lookupTimeout <= 0");
            }
            this.lookupTimeout = lookupTimeout;
            return this;
        }

        /** As {@link #lookupTimeout(Duration)}. */
        public Builder lookupTimeout(long timeout, TimeUnit unit) {
            Objects.requireNonNull(unit, "unit == null");
            return lookupTimeout(Duration.of(timeout, unit.toChronoUnit()));
        }

        /**
         * How many times a query without an answer is sent again (over TCP once an answer came truncated), 0 to
         * {@value DnsResolver#MAX_RETRIES}; default 3.
         */
        public Builder retries(int retries) {
            if (retries < 0 || retries > MAX_RETRIES) {
                throw new IllegalArgumentException("retries not in 0.." + MAX_RETRIES + ": " + retries);
            }
            this.retries = retries;
            return this;
        }

        /**
         * How many UDP sockets (source ports) carry the queries, each with a platform thread
         * reading its answers; default one per two processors, 1 to 4. Fewer readers drain more
         * answers per wake-up: on 2 cores one socket resolved 100,000 names with 47-53 µs of CPU
         * each, four with 57-61 µs.
         */
        public Builder sockets(int sockets) {
            if (sockets <= 0) {
                throw new IllegalArgumentException("sockets <= 0");
            }
            this.sockets = sockets;
            return this;
        }

        /**
         * A resolver with these settings; it holds open sockets until closed.
         *
         * @throws UncheckedIOException if the UDP sockets cannot be opened
         * @throws IllegalStateException if no servers are given and the system configures none
         */
        public DnsResolver build() {
            return new DnsResolver(this);
        }
    }
}
