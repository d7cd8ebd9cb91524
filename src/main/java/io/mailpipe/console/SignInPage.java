package io.mailpipe.console;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

/** Signing in with a token (and a name for the audit trail), and out again. */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class SignInPage {

    private final ConsoleAccess access;
    private final ConsolePages pages;

    public SignInPage(ConsoleAccess access, ConsolePages pages) {
        this.access = access;
        this.pages = pages;
    }

    @GET
    @Path("sign-in")
    public String form(@QueryParam("next") String next) {
        return pages.render("sign-in", null, Map.of("next", ConsoleGuard.safeNext(next), "failed", false));
    }

    @POST
    @Path("sign-in")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signIn(@FormParam("token") String token, @FormParam("name") String name,
            @FormParam("next") String next) {
        Optional<ConsoleSession> session = access.sessions().signIn(token, name);
        if (session.isEmpty()) {
            return Response.status(Status.UNAUTHORIZED).type(MediaType.TEXT_HTML_TYPE)
                    .entity(pages.render("sign-in", null, Map.of("next", ConsoleGuard.safeNext(next), "failed", true)))
                    .build();
        }
        return Response.seeOther(URI.create(ConsoleGuard.safeNext(next)))
                .header(HttpHeaders.SET_COOKIE, access.setCookie(session.get())).build();
    }

    @POST
    @Path("sign-out")
    public Response signOut() {
        return Response.seeOther(URI.create("/console/sign-in")).header(HttpHeaders.SET_COOKIE, ConsoleAccess.clearCookie())
                .build();
    }
}
