/**
 * The operations API and CLI backend: reading, filtering, replaying and auditing dead letters, and editing
 * suppressions.
 */
package io.mailpipe.ops;
