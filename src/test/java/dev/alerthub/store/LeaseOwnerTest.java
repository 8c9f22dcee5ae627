package dev.alerthub.store;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LeaseOwnerTest {

    @Test
    void aHubRestartedOnTheSameDataFolderHasTheSameIdAndTakesOverItsPreviousLeases() throws Exception {
        Path dir = Files.createTempDirectory("alerthub-owner");
        LeaseOwner first = LeaseOwner.acquire("", dir);
        String id = first.id();
        first.release();
        LeaseOwner second = LeaseOwner.acquire("", dir);
        assertThat(second.id()).isEqualTo(id).contains(dir.toAbsolutePath().toString());
        assertThat(second.takesOverPrevious()).isTrue();
        second.release();
    }

    @Test
    void aSecondLiveHubOnTheSameFolderGetsItsOwnIdAndTakesNothingOver() throws Exception {
        Path dir = Files.createTempDirectory("alerthub-owner");
        LeaseOwner running = LeaseOwner.acquire("", dir);
        LeaseOwner second = LeaseOwner.acquire("", dir);
        assertThat(second.id()).isNotEqualTo(running.id()).startsWith(running.id());
        assertThat(second.takesOverPrevious()).isFalse();
        second.release();
        running.release();
    }

    @Test
    void aConfiguredInstanceIdIsUsedAsItIs() throws Exception {
        LeaseOwner owner = LeaseOwner.acquire("alerthub-0", Files.createTempDirectory("alerthub-owner"));
        assertThat(owner.id()).isEqualTo("alerthub-0");
        owner.release();
    }
}
