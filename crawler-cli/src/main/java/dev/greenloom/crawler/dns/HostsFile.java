package dev.greenloom.crawler.dns;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.Address;

/**
 * The addresses of a hosts file ({@code /etc/hosts}), read once into a table. Names match whatever
 * their case, and a name gets the addresses of every line that lists it, in the file's order (each
 * once), as in the C library (glibc since 2.26, whatever {@code multi} says; musl).
 * Immutable, so safe for concurrent use.
 *
 * <p>Not dnsjava's {@code HostsFileParser}: it reads a file over 16 KB again for every name the file
 * lacks, under a lock (33 ms a lookup for the 30,000 lines of an ad-blocking list, so a bulk run
 * crawled at 30 lookups/s), and it compares names with their case.
 */
final class HostsFile {
    static final HostsFile EMPTY = new HostsFile(Map.of(), Map.of());

    private final Map<String, List<InetAddress>> ipv4;
    private final Map<String, List<InetAddress>> ipv6;

    private HostsFile(Map<String, List<InetAddress>> ipv4, Map<String, List<InetAddress>> ipv6) {
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
    }

    /**
     * The table of the file at {@code path}: {@code address name [alias...]} lines, {@code #}
     * comments. A file that cannot be read gives an empty table (lookups go to DNS, as the C
     * library's do); lines without a valid address are skipped.
     */
    static HostsFile read(Path path) {
        Map<String, List<InetAddress>> ipv4 = new HashMap<>();
        Map<String, List<InetAddress>> ipv6 = new HashMap<>();
        // One list per distinct address: block lists map many thousand names to 0.0.0.0.
        Map<String, List<InetAddress>> addresses = new HashMap<>();
        // Latin-1 reads any byte: a stray one in a comment must not lose the whole file.
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.ISO_8859_1)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                int comment = line.indexOf('#');
                String[] fields = (comment >= 0 ? line.substring(0, comment) : line).strip().split("\\s+");
                if (fields.length < 2) {
                    continue;
                }
                byte[] v4 = Address.toByteArray(fields[0], Address.IPv4);
                byte[] bytes = v4 != null ? v4 : Address.toByteArray(fields[0], Address.IPv6);
                if (bytes == null) {
                    continue;
                }
                Map<String, List<InetAddress>> table = v4 != null ? ipv4 : ipv6;
                List<InetAddress> address = addresses.computeIfAbsent(fields[0], text -> List.of(byAddress(text, bytes)));
                for (int i = 1; i < fields.length; i++) {
                    String name = fields[i].toLowerCase(Locale.ROOT);
                    table.merge(name.endsWith(".") ? name.substring(0, name.length() - 1) : name, address, HostsFile::plus);
                }
            }
        } catch (IOException e) {
            return EMPTY;
        }
        return new HostsFile(ipv4, ipv6);
    }

    /** The addresses {@code known} and then {@code more}'s one, if new. */
    private static List<InetAddress> plus(List<InetAddress> known, List<InetAddress> more) {
        if (known.containsAll(more)) {
            return known;
        }
        List<InetAddress> all = new ArrayList<>(known);
        all.addAll(more);
        return all;
    }

    private static InetAddress byAddress(String text, byte[] bytes) {
        try {
            // Not InetAddress.getByAddress: it makes an IPv4-mapped address (::ffff:192.0.2.1) IPv4, an AAAA answer
            // that read as an A record's.
            return bytes.length == 4 ? InetAddress.getByAddress(bytes) : Inet6Address.getByAddress(null, bytes, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are an address: " + text, e);
        }
    }

    /**
     * The addresses the file gives {@code name} (lower-case ASCII, no trailing dot) for {@code type}
     * (A or AAAA), in the file's order; empty if none.
     */
    List<InetAddress> addresses(String name, RecordType type) {
        Map<String, List<InetAddress>> table = type == RecordType.A ? ipv4 : type == RecordType.AAAA ? ipv6 : Map.of();
        return table.getOrDefault(name, List.of());
    }

    /** Whether the file gives {@code name} (lower-case ASCII, no trailing dot) an address of either family. */
    boolean lists(String name) {
        return ipv4.containsKey(name) || ipv6.containsKey(name);
    }
}
