package io.mailpipe.console;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.logging.Logger;

import io.mailpipe.config.MailpipeConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpServerRequest;

/**
 * Signing in with a token (and a name for the audit trail), and out again. A client address with too many failed
 * sign-ins is refused for a while (429), before its token is even looked at.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class SignInPage {

    private final ConsoleAccess access;
    private final SessionRecords records;
    private final ConsolePages pages;
    private static final Logger LOG = Logger.getLogger(SignInPage.class);

    private final SignInThrottle throttle;
    private final MeterRegistry registry;

    public SignInPage(ConsoleAccess access, SessionRecords records, ConsolePages pages, MailpipeConfig config,
            MeterRegistry registry) {
        this.access = access;
        this.records = records;
        this.pages = pages;
        this.throttle = new SignInThrottle(config.console().signInAttempts(), config.console().signInWindow(),
                Clock.systemUTC());
        this.registry = registry;
    }

    @GET
    @Path("sign-in")
    public String form(@QueryParam("next") String next) {
        return pages.render("sign-in", null, Map.of("next", ConsoleGuard.safeNext(next), "failed", false, "waitSeconds", 0));
    }

    @POST
    @Path("sign-in")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signIn(@FormParam("token") String token, @FormParam("name") String name,
            @FormParam("next") String next, @Context HttpServerRequest request) {
        String address = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        Optional<Duration> wait = throttle.attempt(SignInThrottle.clientOf(address));
        if (wait.isPresent()) {
            registry.counter("mailpipe.console.sign-in.refused", "reason", "throttled").increment();
            long seconds = Math.max(1, wait.get().toSeconds() + 1);
            return Response.status(Status.TOO_MANY_REQUESTS).type(MediaType.TEXT_HTML_TYPE)
                    .header(HttpHeaders.RETRY_AFTER, seconds).entity(pages.render("sign-in", null, Map.of("next",
                            ConsoleGuard.safeNext(next), "failed", true, "waitSeconds", seconds)))
                    .build();
        }
        Optional<ConsoleSession> session = access.sessions().signIn(token, name);
        if (session.isEmpty()) {
            registry.counter("mailpipe.console.sign-in.refused", "reason", "token").increment();
            return Response.status(Status.UNAUTHORIZED).type(MediaType.TEXT_HTML_TYPE)
                    .entity(pages.render("sign-in", null, Map.of("next", ConsoleGuard.safeNext(next), "failed", true,
                            "waitSeconds", 0)))
                    .build();
        }
        throttle.succeeded(SignInThrottle.clientOf(address));
        records.signedIn(session.get(), address);
        return Response.seeOther(URI.create(ConsoleGuard.safeNext(next)))
                .header(HttpHeaders.SET_COOKIE, access.setCookie(session.get())).build();
    }

    /** Ends the session on every replica, so that a copy of its cookie opens nothing either. */
    @POST
    @Path("sign-out")
    public Response signOut(@CookieParam(ConsoleAccess.COOKIE) String cookie) {
        access.sessions().read(cookie).ifPresent(session -> {
            try {
                records.signedOut(session);
            } catch (RuntimeException e) {
                // The cookie is still deleted below; only a copy of it stays valid until it expires.
                LOG.warnf("Could not record the sign-out of %s: %s", session.by(), e.getMessage());
            }
        });
        return Response.seeOther(URI.create("/console/sign-in")).header(HttpHeaders.SET_COOKIE, ConsoleAccess.clearCookie())
                .build();
    }
}
