package io.mailpipe.replay;

import java.util.Map;

import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import jakarta.ws.rs.ext.Provider;

import io.mailpipe.config.MailpipeConfig;

/** Lets only bearers of {@code MAILPIPE_OPS_TOKEN} reach the operations API; without that token the API is disabled. */
@Provider
@OpsSecured
public class OpsAuthFilter implements ContainerRequestFilter {

    // Filters are created while the application is still being built, before runtime configuration exists.
    private final Instance<MailpipeConfig> config;

    public OpsAuthFilter(Instance<MailpipeConfig> config) {
        this.config = config;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        OpsAccess.refusal(config.get().ops().token(), request.getHeaderString(HttpHeaders.AUTHORIZATION)).ifPresent(status -> {
            Response.ResponseBuilder refusal = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE);
            if (status == Status.NOT_FOUND) {
                refusal.entity(Map.of("error", "the operations API is disabled: set MAILPIPE_OPS_TOKEN to enable it"));
            } else {
                refusal.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").entity(Map.of("error", "a valid bearer token is required"));
            }
            request.abortWith(refusal.build());
        });
    }
}
