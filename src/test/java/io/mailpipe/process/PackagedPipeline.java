package io.mailpipe.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.mailpipe.testing.Folders;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.TestSmtpServer;

/**
 * A real broker, a capturing SMTP server and instances of the packaged jar sending to it, each with a state folder of
 * its own, started together and stopped together.
 */
final class PackagedPipeline implements AutoCloseable {

    private final KafkaBrokerResource broker;
    private final TestSmtpServer smtp = new TestSmtpServer();
    private final List<MailpipeProcess> instances = new ArrayList<>();
    private final String bootstrap;

    private PackagedPipeline(int partitions) {
        this.broker = new KafkaBrokerResource(partitions);
        this.bootstrap = broker.start().get("kafka.bootstrap.servers");
        smtp.start();
    }

    /** Starts the servers, then one instance per name with the environment {@code env}, and returns once all run. */
    static PackagedPipeline start(int partitions, Map<String, String> env, String... names) throws Exception {
        PackagedPipeline pipeline = new PackagedPipeline(partitions);
        try {
            for (String name : names) {
                Path stateDir = Path.of("target", name + "-state");
                Folders.deleteRecursively(stateDir);
                Map<String, String> own = new HashMap<>(env);
                own.put("MAILPIPE_STATE_DIR", stateDir.toString());
                MailpipeProcess instance = MailpipeProcess.plainSmtp(name, pipeline.bootstrap, pipeline.smtp.port(), own);
                pipeline.instances.add(instance);
                instance.start();
            }
        } catch (Exception | Error e) {
            pipeline.close();
            throw e;
        }
        return pipeline;
    }

    String bootstrap() {
        return bootstrap;
    }

    TestSmtpServer smtp() {
        return smtp;
    }

    MailpipeProcess instance(int index) {
        return instances.get(index);
    }

    @Override
    public void close() throws InterruptedException {
        for (MailpipeProcess instance : instances) {
            instance.stopIfRunning();
        }
        smtp.stop();
        broker.stop();
    }
}
