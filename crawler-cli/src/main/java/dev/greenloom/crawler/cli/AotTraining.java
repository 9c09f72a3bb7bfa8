package dev.greenloom.crawler.cli;

import dev.greenloom.crawler.timing.LocalSite;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A short run of {@code crawl} and {@code resolve} on loopback, for recording a JDK AOT cache
 * (JEP 483, 514, 515): the launcher runs
 * {@code java -XX:AOTCacheOutput=FILE -cp greenloom.jar dev.greenloom.crawler.cli.AotTraining}
 * once per build, so later runs start with the classes these commands use already loaded and
 * linked, and with their methods' profiles known to the JIT. Needs no network: the pages come from a
 * {@link LocalSite}, the DNS answers from a responder here that gives every A query 127.0.0.1.
 * Writes only below a temporary directory, which it deletes; prints nothing, and throws if a
 * command does not succeed.
 */
public final class AotTraining {
    private static final int PAGES = 500;
    private static final int NAMES = 5_000;
    private static final int ROUNDS = 2;

    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        train(Path.of(System.getProperty("java.io.tmpdir")), PAGES, NAMES, ROUNDS);
    }

    /** Crawls {@code pages} pages and resolves {@code names} names, {@code rounds} times, in a directory made under {@code scratch} and removed after. */
    static void train(Path scratch, int pages, int names, int rounds) throws IOException {
        Path dir = Files.createTempDirectory(scratch, "greenloom-aot-training");
        try (LocalSite site = LocalSite.start(pages, Duration.ZERO);
                DatagramChannel dns = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Thread.ofPlatform().daemon().name("aot-training-dns").start(() -> answer(dns));
            Path urls = Files.write(dir.resolve("urls.txt"), site.urls());
            Path hosts = Files.write(dir.resolve("hosts.txt"),
                    IntStream.range(0, names).mapToObj(i -> "host" + i + ".training.test").toList());
            String resolver = "127.0.0.1:" + ((InetSocketAddress) dns.getLocalAddress()).getPort();
            for (int round = 0; round < rounds; round++) {
                Path out = dir.resolve("round" + round);
                run("crawl", "--depth", "1", "--per-host", "16", "--out", out.resolve("site").toString(),
                        "--warc", out.resolve("site.warc.gz").toString(), "--report", out.resolve("site.jsonl").toString(),
                        urls.toString());
                run("crawl", "--per-host", "16", urls.toString());
                run("resolve", "--resolver", resolver, hosts.toString());
                run("resolve", "--type", "A", "--json", "--unordered", "--resolver", resolver, hosts.toString());
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** Runs one command; a training that no longer works must not go unnoticed, so any failure throws. */
    private static void run(String... args) {
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        int code = Main.newCommandLine(nowhere, nowhere).execute(args);
        if (code != Main.EXIT_OK) {
            throw new IllegalStateException("training run `greenloom " + String.join(" ", args) + "` exited with " + code);
        }
    }

    /** Answers every query until the channel closes: 127.0.0.1 for A, no records for other types. */
    private static void answer(DatagramChannel dns) {
        ByteBuffer buffer = ByteBuffer.allocate(512);
        while (dns.isOpen()) {
            try {
                buffer.clear();
                SocketAddress client = dns.receive(buffer);
                Message query = new Message(buffer.flip());
                Message reply = new Message(query.getHeader().getID());
                reply.getHeader().setFlag(Flags.QR);
                reply.getHeader().setFlag(Flags.RA);
                Record question = query.getQuestion();
                reply.addRecord(question, Section.QUESTION);
                if (question.getType() == Type.A) {
                    reply.addRecord(new ARecord(question.getName(), DClass.IN, 60,
                            InetAddress.getLoopbackAddress()), Section.ANSWER);
                }
                dns.send(ByteBuffer.wrap(reply.toWire()), client);
            } catch (IOException | RuntimeException e) {
                // Closed at the end, or a packet that is not DNS (dnsjava throws either): the loop condition decides.
            }
        }
    }
}
