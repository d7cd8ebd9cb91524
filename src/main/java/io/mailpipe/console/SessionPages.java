package io.mailpipe.console;

import java.net.URI;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import io.mailpipe.ops.DlqAudit;
import io.smallrye.common.annotation.Blocking;

/**
 * Who is signed in, on every replica: each session's person, role, address and times; an operator ends one (a lost
 * laptop, someone who left), and that session opens nothing more anywhere. Audited.
 */
@Path("/console/sessions")
@ConsoleSecured
@Blocking
@Produces(MediaType.TEXT_HTML)
public class SessionPages {

    private final SessionRecords records;
    private final DlqAudit audit;
    private final ConsolePages pages;
    private final ConsoleRequest request;

    public SessionPages(SessionRecords records, DlqAudit audit, ConsolePages pages, ConsoleRequest request) {
        this.records = records;
        this.audit = audit;
        this.pages = pages;
        this.request = request;
    }

    @GET
    public String list(@QueryParam("done") String done) {
        ConsoleSession session = request.session();
        return pages.render("sessions", session, Map.of("rows", records.active(), "own", session.id(),
                // Chosen by a code, never taken from the link.
                "message", "ended".equals(done) ? "The session is ended." : ""));
    }

    @POST
    @Path("end")
    @OperatorOnly
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response end(MultivaluedMap<String, String> form) {
        ConsoleSession session = request.formSession(form);
        String id = form.getFirst("id");
        if (id == null || !records.end(id, session.by())) {
            throw new ConsoleRefusal(Status.NOT_FOUND, "No such session, or it has ended already.");
        }
        audit.session("end-session", session.by(), id);
        return Response.seeOther(URI.create("/console/sessions?done=ended")).build();
    }
}
