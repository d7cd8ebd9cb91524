package io.mailpipe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

class TestProfileCleanupTest {

    private static final String LEFT_BEHIND = "mailpipe.test-profile-cleanup.token";
    private static final String SET_BEFORE = "mailpipe.test-profile-cleanup.set-before";

    public static class Leaky implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(LEFT_BEHIND, "", SET_BEFORE, "profile value");
        }
    }

    @TestProfile(Leaky.class)
    static class ProfiledTest {
    }

    static class UnprofiledTest {
    }

    @AfterEach
    void clear() {
        System.clearProperty(LEFT_BEHIND);
        System.clearProperty(SET_BEFORE);
    }

    @Test
    void aProfilesOverridesLeftBehindAreTakenBackToTheValuesBeforeTheTests() {
        System.setProperty(SET_BEFORE, "original");
        TestProfileCleanup cleanup = new TestProfileCleanup();
        // As Quarkus leaves them when the profile's application failed to boot.
        System.setProperty(LEFT_BEHIND, "");
        System.setProperty(SET_BEFORE, "profile value");

        cleanup.restoreAfter(ProfiledTest.class);

        assertThat(System.getProperty(LEFT_BEHIND)).isNull();
        assertThat(System.getProperty(SET_BEFORE)).isEqualTo("original");
    }

    @Test
    void aClassWithoutAProfileTouchesNothing() {
        TestProfileCleanup cleanup = new TestProfileCleanup();
        System.setProperty(LEFT_BEHIND, "set by the test itself");

        cleanup.restoreAfter(UnprofiledTest.class);

        assertThat(System.getProperty(LEFT_BEHIND)).isEqualTo("set by the test itself");
    }
}
