/**
 * The event contract: parsing and validating a JSON event into an EmailEvent, or an InvalidEventException naming the
 * field.
 */
package io.mailpipe.event;
