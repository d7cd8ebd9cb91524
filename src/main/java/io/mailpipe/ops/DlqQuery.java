package io.mailpipe.ops;

import jakarta.ws.rs.QueryParam;

/** The list and stats filters as query parameters, named like the fields of {@link DlqFilter}. */
public class DlqQuery {

    @QueryParam("channel")
    String channel;
    @QueryParam("class")
    String failureClass;
    @QueryParam("code")
    String code;
    @QueryParam("enhancedCode")
    String enhancedCode;
    @QueryParam("recipient")
    String recipient;
    @QueryParam("template")
    String template;
    @QueryParam("tag")
    String tag;
    @QueryParam("eventId")
    String eventId;
    @QueryParam("since")
    String since;
    @QueryParam("until")
    String until;
    @QueryParam("state")
    String state;

    public DlqFilter filter() {
        return new DlqFilter(channel, failureClass, code, enhancedCode, recipient, template, tag, eventId, since, until, state);
    }
}
