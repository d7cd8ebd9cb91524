package io.mailpipe.smtp;

/** One relay a stream can send through: where it is, its connections, and whether it is worth trying now. */
record Relay(RelayEndpoint endpoint, SmtpConnectionPool pool, RelayHealth health) {

    String name() {
        return endpoint.name();
    }
}
