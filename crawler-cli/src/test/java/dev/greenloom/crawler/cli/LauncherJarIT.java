package dev.greenloom.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./greenloom} launcher on the packaged jar: which JDK it picks, one build for launchers started together, closed standard streams. Runs in the build's
 * jar-tests execution, right after packaging, so the launcher finds the jar up to date.
 *
 * <p>The JDKs here are stand-ins: a folder with a {@code release} file and a {@code bin/java}
 * script that answers for its own home, declines to record a start-up cache (or records one no JVM can use), logs that it ran
 * greenloom, then hands over to the JDK running this test.
 */
@Timeout(120)
class LauncherJarIT {
    private static final String JAR = System.getProperty("greenloom.jar");
    /** A stand-in JDK's answer to a request to record a start-up cache: it declines. */
    private static final String RECORDS_NOTHING = "exit 1";
    /** A stand-in JDK's answer to a request to record a start-up cache: it logs it and writes a file no JVM can use. */
    private static final String RECORDS_NO_CACHE = """
            echo recorded >> "$home/recorded"
            for arg; do [[ "$arg" == -XX:AOTCacheOutput=* ]] && echo 'no cache' > "${arg#*=}"; done
            exit 0""";

    @TempDir
    Path dir;

    /**
     * A version manager (asdf, mise, jenv) puts a shim script named {@code java} on PATH, outside any
     * JDK. The launcher must still run the JDK 25 behind it, not skip PATH for the usual folders.
     */
    @Test
    void runsTheJdkBehindAShimOnPath() throws IOException, InterruptedException {
        Path jdk = fakeJdk(dir.resolve("jdk-25"), 25);
        Path shims = Files.createDirectories(dir.resolve("shims"));
        executable(shims.resolve("java"), "#!/usr/bin/env bash\nexec '%s' \"$@\"\n".formatted(jdk.resolve("bin/java")));

        assertRan(jdk, launch(Map.of("PATH", shims + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"))));
    }

    /**
     * The build finds JDKs in the folders of Gradle, asdf, mise, jbang, ... (maven-toolchains-plugin's
     * discovery); the launcher must find them too, or {@code ./mvnw} builds and {@code ./greenloom}
     * says there is no JDK. Version 99 is newer than any real JDK installed, so it is the best one.
     */
    @Test
    void findsAJdkInTheFoldersTheBuildSearches() throws IOException, InterruptedException {
        Path home = dir.resolve("home");
        Path jdk = fakeJdk(home.resolve(".gradle/jdks/jdk-99"), 99);

        assertRan(jdk, launch(Map.of("HOME", home.toString())));
    }

    /**
     * A service manager may start the launcher without HOME (a systemd unit without User=, {@code env -i}).
     * The search then skips the folders under HOME, or takes them from the password database as the
     * build does; it stopped with bash's 'HOME: unbound variable' and exit code 1 before looking in
     * /usr/lib/jvm. Here the JDK on PATH is too old, so the launcher searches the usual folders: it runs
     * a JDK 25+ found there, or says in its one line that there is none.
     */
    @Test
    void searchesTheUsualFoldersWithoutHome() throws IOException, InterruptedException {
        Path old = fakeJdk(dir.resolve("jdk-17"), 17);
        ProcessBuilder builder = new ProcessBuilder("bash", repositoryLauncher().toString(), "--version");
        builder.environment().remove("JAVA_HOME");
        builder.environment().remove("HOME");
        builder.environment().put("PATH", old.resolve("bin") + ":/usr/bin:/bin");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(100, TimeUnit.SECONDS), "launcher still running");

        if (process.exitValue() == 0) {
            assertTrue(out.startsWith("greenloom "), out + err);
        } else {
            assertEquals(2, process.exitValue(), err);
            assertTrue(err.startsWith("greenloom: needs a JDK 25 or newer") && err.lines().count() == 1, err);
        }
    }

    /**
     * Launchers started together on a fresh checkout build once: the others wait for that build
     * instead of building into the same target/ at once or running a jar still being written. The
     * checkout here has the real launcher and a stand-in {@code mvnw} that logs each build and writes
     * the jar slowly, in two steps.
     */
    @Test
    void launchersStartedTogetherBuildOnce() throws IOException, InterruptedException {
        Path checkout = Files.createDirectories(dir.resolve("checkout"));
        Files.copy(repositoryLauncher(), checkout.resolve("greenloom"));
        for (String pom : List.of("pom.xml", "runtime/pom.xml", "crawler-cli/pom.xml")) {
            Files.createDirectories(checkout.resolve(pom).getParent());
            Files.writeString(checkout.resolve(pom), "<project/>\n");
        }
        executable(checkout.resolve("mvnw"), """
                #!/usr/bin/env bash
                echo build >> '%1$s/builds'
                mkdir -p '%1$s/crawler-cli/target'
                head -c 100000 '%2$s' > '%1$s/crawler-cli/target/greenloom.jar'
                sleep 1
                cat '%2$s' > '%1$s/crawler-cli/target/greenloom.jar'
                """.formatted(checkout, Path.of(JAR).toAbsolutePath()));
        Path jdk = fakeJdk(dir.resolve("jdk-25"), 25);

        List<Process> launchers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            launchers.add(start(checkout.resolve("greenloom"), Map.of("JAVA_HOME", jdk.toString())));
        }
        for (Process launcher : launchers) {
            finish(launcher);
        }

        assertEquals(List.of("build"), Files.readAllLines(checkout.resolve("builds")));
    }

    /**
     * A command run with its standard input closed ({@code <&-}, as some cron and init set-ups do) reads
     * nothing: otherwise the first file the JVM opens takes descriptor 0 and {@code -} reads it as input,
     * a jar's bytes as a million host names to look up.
     */
    @Test
    void aClosedStandardInputReadsAsEmpty() throws IOException, InterruptedException {
        Path jdk = fakeJdk(dir.resolve("jdk-25"), 25);
        ProcessBuilder builder = new ProcessBuilder("bash", "-c",
                "exec \"$0\" resolve --resolver 127.0.0.1:1 --lookup-timeout 100ms --timeout 5s - <&-",
                repositoryLauncher().toString());
        builder.environment().put("JAVA_HOME", jdk.toString());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(100, TimeUnit.SECONDS), "launcher still running");

        assertEquals("", out, err);
        assertEquals(0, process.exitValue(), err);
    }

    /**
     * A start-up cache the JVM cannot use (recorded by another build of the JDK at that path, or for
     * options GREENLOOM_JAVA_OPTS changes) makes the JVM print why; that goes to stderr, not into
     * greenloom's output on stdout. The stand-in JDK records a file that is no cache at all.
     */
    @Test
    void theJvmsWarningsAboutItsCacheStayOffStdout() throws IOException, InterruptedException {
        Path jdk = fakeJdk(dir.resolve("jdk-25"), "JAVA_VERSION=\"25\"\n", RECORDS_NO_CACHE);

        String err = finish(start(checkout(), Map.of("JAVA_HOME", jdk.toString())));

        assertTrue(err.contains("AOT cache"), err);
    }

    /**
     * An update of the JDK in its folder (a package upgrade) makes the recorded start-up cache one the
     * JVM refuses; the launcher records a new one for the new JDK, and none while nothing changed.
     */
    @Test
    void recordsTheCacheAgainAfterTheJdkIsUpdatedInPlace() throws IOException, InterruptedException {
        Path jdk = fakeJdk(dir.resolve("jdk-25"), "JAVA_VERSION=\"25.0.1\"\nJAVA_RUNTIME_VERSION=\"25.0.1+8\"\n",
                RECORDS_NO_CACHE);
        Path launcher = checkout();
        Map<String, String> env = Map.of("JAVA_HOME", jdk.toString());
        finish(start(launcher, env));
        finish(start(launcher, env));
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25.0.2\"\nJAVA_RUNTIME_VERSION=\"25.0.2+10\"\n");
        finish(start(launcher, env));

        assertEquals(List.of("recorded", "recorded"), Files.readAllLines(jdk.resolve("recorded")));
    }

    /**
     * A rebuilt jar whose start-up cache cannot be recorded (no loopback for the training run, a full
     * disk) runs without a cache: the one recorded for the jar before is no cache for this one, and the
     * JVM printed four lines of errors about it on every run.
     */
    @Test
    void aCacheThatCannotBeRecordedAgainIsNotReplacedByTheStaleOne() throws IOException, InterruptedException {
        Path jdk = fakeJdk(dir.resolve("jdk-25"), "JAVA_VERSION=\"25\"\n",
                "[[ -f \"$home/declines\" ]] && exit 1\n" + RECORDS_NO_CACHE);
        Path launcher = checkout();
        Map<String, String> env = Map.of("JAVA_HOME", jdk.toString());
        finish(start(launcher, env));
        Files.writeString(jdk.resolve("declines"), "");
        Path jar = launcher.resolveSibling("crawler-cli/target/greenloom.jar");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plus(Duration.ofMinutes(1))));

        String err = finish(start(launcher, env));

        assertTrue(err.contains("could not record the start-up cache"), err);
        List<String> runs = Files.readAllLines(jdk.resolve("ran"));
        assertTrue(runs.getFirst().contains("-XX:AOTCache="), runs.getFirst());
        assertFalse(runs.getLast().contains("-XX:AOTCache="), runs.getLast());
    }

    /**
     * A checkout this user cannot write (built and installed by another user, or mounted read-only in a
     * container) runs the jar built there, without recording a start-up cache. The launcher waited for good
     * for a lock it could not create, printing nothing. Read-only here through a mount in a user namespace,
     * as permissions do not stop root.
     */
    @Test
    void aReadOnlyCheckoutRunsItsJar() throws IOException, InterruptedException {
        assumeTrue(new ProcessBuilder("unshare", "-rm", "true").start().waitFor() == 0, "no user namespaces");
        Path jdk = fakeJdk(dir.resolve("jdk-25"), "JAVA_VERSION=\"25\"\n", RECORDS_NO_CACHE);
        String err = launchReadOnly(checkout(), jdk);

        assertFalse(Files.exists(jdk.resolve("recorded")), err);
    }

    /**
     * A read-only checkout whose jar was rebuilt after its start-up cache was recorded (by {@code mvnw package})
     * runs without that cache, as a writable one does when it cannot record a new one: the JVM refused it with
     * four lines of errors on every run.
     */
    @Test
    void aReadOnlyCheckoutDoesNotUseACacheOlderThanItsJar() throws IOException, InterruptedException {
        assumeTrue(new ProcessBuilder("unshare", "-rm", "true").start().waitFor() == 0, "no user namespaces");
        Path jdk = fakeJdk(dir.resolve("jdk-25"), "JAVA_VERSION=\"25\"\n", RECORDS_NO_CACHE);
        Path launcher = checkout();
        finish(start(launcher, Map.of("JAVA_HOME", jdk.toString())));
        Path jar = launcher.resolveSibling("crawler-cli/target/greenloom.jar");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plus(Duration.ofMinutes(1))));

        String err = launchReadOnly(launcher, jdk);

        List<String> runs = Files.readAllLines(jdk.resolve("ran"));
        assertTrue(runs.getFirst().contains("-XX:AOTCache="), runs.getFirst());
        assertFalse(runs.getLast().contains("-XX:AOTCache="), runs.getLast() + "\n" + err);
    }

    /** Runs {@code launcher --version} with {@code jdk} on its checkout mounted read-only; returns its stderr. */
    private static String launchReadOnly(Path launcher, Path jdk) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("unshare", "-rm", "bash", "-c",
                "mount --bind \"$0\" \"$0\" && mount -o remount,bind,ro \"$0\" && exec \"$0/greenloom\" --version",
                launcher.getParent().toString());
        builder.environment().put("JAVA_HOME", jdk.toString());
        Process process = builder.start();
        boolean ended = process.waitFor(20, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        assertTrue(ended, "launcher still running");
        return finish(process);
    }

    /**
     * A checkout with the real launcher and the packaged jar, built already (its poms are older than the
     * jar, and its {@code mvnw} fails); returns its launcher.
     */
    private Path checkout() throws IOException {
        Path checkout = Files.createDirectories(dir.resolve("a checkout"));
        Path launcher = Files.copy(repositoryLauncher(), checkout.resolve("greenloom"));
        executable(checkout.resolve("mvnw"), "#!/usr/bin/env bash\nexit 1\n");
        FileTime before = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        for (String pom : List.of("pom.xml", "runtime/pom.xml", "crawler-cli/pom.xml")) {
            Files.createDirectories(checkout.resolve(pom).getParent());
            Files.setLastModifiedTime(Files.writeString(checkout.resolve(pom), "<project/>\n"), before);
        }
        Files.copy(Path.of(JAR), Files.createDirectories(checkout.resolve("crawler-cli/target")).resolve("greenloom.jar"));
        return launcher;
    }

    /** Runs {@code greenloom --version} without JAVA_HOME, with {@code env} added; returns its stderr. */
    private String launch(Map<String, String> env) throws IOException, InterruptedException {
        return finish(start(repositoryLauncher(), env));
    }

    /** The repository's {@code ./greenloom}, next to the {@code crawler-cli/target} that holds the jar. */
    private static Path repositoryLauncher() {
        assumeTrue(JAR != null, "no packaged jar in this execution");
        return Path.of(JAR).toAbsolutePath().getParent().getParent().getParent().resolve("greenloom");
    }

    /** Starts {@code launcher --version} without JAVA_HOME, with {@code env} added. */
    private static Process start(Path launcher, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", launcher.toString(), "--version");
        builder.environment().remove("JAVA_HOME");
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Waits for a launcher of {@link #start} and checks it printed the version; returns its stderr. */
    private static String finish(Process process) throws IOException, InterruptedException {
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(100, TimeUnit.SECONDS), "launcher still running");
        assertEquals(0, process.exitValue(), err);
        assertTrue(out.startsWith("greenloom "), out + err);
        return err;
    }

    private static void assertRan(Path jdk, String stderr) throws IOException {
        Path ran = jdk.resolve("ran");
        assertTrue(Files.exists(ran) && Files.readString(ran).contains("--version"),
                "the launcher ran another JDK than " + jdk + "; stderr: " + stderr);
    }

    private static Path fakeJdk(Path home, int version) throws IOException {
        return fakeJdk(home, "JAVA_VERSION=\"" + version + "\"\n", RECORDS_NOTHING);
    }

    /** A stand-in JDK at {@code home} with that {@code release} file, answering {@code recording} when asked to record a cache. */
    private static Path fakeJdk(Path home, String release, String recording) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), release);
        executable(home.resolve("bin/java"), """
                #!/usr/bin/env bash
                home='%1$s'
                case " $* " in
                  *" -XshowSettings:properties "*) echo "    java.home = $home" >&2; exit 0 ;;
                  *-XX:AOTCacheOutput=*)
                %3$s ;;
                esac
                echo "$*" >> "$home/ran"
                exec '%2$s' "$@"
                """.formatted(home, Path.of(System.getProperty("java.home"), "bin", "java"), recording));
        return home;
    }

    private static void executable(Path file, String script) throws IOException {
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
