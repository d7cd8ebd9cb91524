/**
 * Traffic control: the streams of mail (transactional, bulk), each with a topic of its own, and whether each is
 * paused for the whole deployment.
 */
package io.mailpipe.traffic;
