/**
 * The event contract: parsing and validating a JSON event into an EmailEvent, or an InvalidEventException naming the
 * field; and Delivery, the typed state of one record from intake to its outcome.
 */
package io.mailpipe.event;
