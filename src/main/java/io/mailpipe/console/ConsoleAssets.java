package io.mailpipe.console;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

/** The console's style sheet and script, served from the class path; nothing is fetched from anywhere else. */
@Path("/console/assets")
public class ConsoleAssets {

    private static final Map<String, String> TYPES = Map.of("console.css", "text/css; charset=utf-8", "console.js",
            "text/javascript; charset=utf-8");

    @GET
    @Path("{name}")
    public Response asset(@PathParam("name") String name) throws IOException {
        String type = TYPES.get(name);
        if (type == null) {
            return Response.status(Status.NOT_FOUND).build();
        }
        try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream("console/assets/" + name)) {
            return Response.ok(in.readAllBytes(), type).header("Cache-Control", "max-age=300").build();
        }
    }
}
