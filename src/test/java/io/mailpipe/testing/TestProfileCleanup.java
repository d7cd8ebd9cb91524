package io.mailpipe.testing;

import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

import io.quarkus.test.junit.TestProfile;

/**
 * Takes a test profile's config overrides back out of the system properties once its test class has run. Quarkus
 * passes them to the application as system properties and restores them when that application stops, but not when
 * its boot failed (quarkusio/quarkus#27996): one class that failed to boot then changed the configuration of every
 * class after it, far from the cause. Registered for every test run through {@code META-INF/services}.
 */
public class TestProfileCleanup implements TestExecutionListener {

    private final Properties atStart = (Properties) System.getProperties().clone();

    @Override
    public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
        identifier.getSource().filter(ClassSource.class::isInstance).map(source -> ((ClassSource) source).getJavaClass())
                .ifPresent(this::restoreAfter);
    }

    /** Gives each key the class's profile overrides back the value it had when the tests started, or none. */
    void restoreAfter(Class<?> testClass) {
        for (String key : overriddenKeys(testClass)) {
            String original = atStart.getProperty(key);
            if (original == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, original);
            }
        }
    }

    private static Set<String> overriddenKeys(Class<?> testClass) {
        TestProfile profile = testClass.getAnnotation(TestProfile.class);
        if (profile == null) {
            return Set.of();
        }
        try {
            Map<String, String> overrides = profile.value().getConstructor().newInstance().getConfigOverrides();
            return overrides.keySet();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot make test profile " + profile.value().getName(), e);
        }
    }
}
