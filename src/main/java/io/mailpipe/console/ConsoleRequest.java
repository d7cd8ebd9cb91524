package io.mailpipe.console;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response.Status;

/** The session of the request being served, set by {@link ConsoleGuard} before a console page runs. */
@RequestScoped
public class ConsoleRequest {

    /** The hidden field of every console form that holds the CSRF token. */
    public static final String CSRF_FIELD = "csrf";

    private ConsoleSession session;

    void signedIn(ConsoleSession session) {
        this.session = session;
    }

    /** The session of a posted form, after checking that the form carries the session's CSRF token. */
    public ConsoleSession formSession(MultivaluedMap<String, String> form) {
        if (form == null || !session().csrfMatches(form.getFirst(CSRF_FIELD))) {
            throw new ConsoleRefusal(Status.FORBIDDEN,
                    "The form was refused: it lacks this sign-in's CSRF token. Reload the page and try again.");
        }
        return session;
    }

    public ConsoleSession session() {
        if (session == null) {
            throw new IllegalStateException("No console session: the page is not guarded by @ConsoleSecured");
        }
        return session;
    }
}
