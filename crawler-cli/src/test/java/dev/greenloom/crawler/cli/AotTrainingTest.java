package dev.greenloom.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.Timeout(120)
class AotTrainingTest {
    /** The launcher records its start-up cache from this run; every command in it must succeed. */
    @Test
    void everyTrainingCommandSucceedsAndNothingIsLeftBehind(@TempDir Path scratch) throws IOException {
        AotTraining.train(scratch, 20, 100, 1);

        try (Stream<Path> left = Files.list(scratch)) {
            assertEquals(List.of(), left.toList());
        }
    }
}
