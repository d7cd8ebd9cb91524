package io.mailpipe.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class SnsMessageTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void notificationSignsItsFieldsInSnsOrderWithTheSubjectOnlyWhenItHasOne() throws Exception {
        SnsMessage sns = SnsMessage.of(mapper.readTree("""
                {"Type": "Notification", "MessageId": "m-1", "TopicArn": "arn:t", "Message": "{\\"a\\":1}\\nline",
                 "Timestamp": "2026-12-01T10:15:02.000Z", "SignatureVersion": "2", "Signature": "c2ln",
                 "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/x.pem", "UnsubscribeURL": "https://u"}
                """)).orElseThrow();

        assertThat(sns.signedText()).isEqualTo("Message\n{\"a\":1}\nline\nMessageId\nm-1\nTimestamp\n"
                + "2026-12-01T10:15:02.000Z\nTopicArn\narn:t\nType\nNotification\n");
        SnsMessage withSubject = SnsMessage.of(mapper.readTree("""
                {"Type": "Notification", "MessageId": "m-1", "TopicArn": "arn:t", "Message": "m", "Subject": "S",
                 "Timestamp": "2026-12-01T10:15:02.000Z", "SignatureVersion": "2", "Signature": "c2ln",
                 "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/x.pem"}
                """)).orElseThrow();
        assertThat(withSubject.signedText()).isEqualTo("Message\nm\nMessageId\nm-1\nSubject\nS\nTimestamp\n"
                + "2026-12-01T10:15:02.000Z\nTopicArn\narn:t\nType\nNotification\n");
    }

    @Test
    void confirmationSignsItsUrlAndToken() throws Exception {
        SnsMessage sns = SnsMessage.of(mapper.readTree("""
                {"Type": "SubscriptionConfirmation", "MessageId": "m-1", "TopicArn": "arn:t", "Message": "confirm",
                 "Token": "tk", "SubscribeURL": "https://sns/confirm", "Timestamp": "2026-12-01T10:15:02.000Z",
                 "SignatureVersion": "1", "Signature": "c2ln", "SigningCertURL": "https://sns/x.pem"}
                """)).orElseThrow();

        assertThat(sns.signedText()).isEqualTo("Message\nconfirm\nMessageId\nm-1\nSubscribeURL\nhttps://sns/confirm\n"
                + "Timestamp\n2026-12-01T10:15:02.000Z\nToken\ntk\nTopicArn\narn:t\nType\nSubscriptionConfirmation\n");
    }

    @Test
    void messageMissingASignedFieldOrOfAnUnknownTypeIsNone() throws Exception {
        assertThat(SnsMessage.of(mapper.readTree("""
                {"Type": "SubscriptionConfirmation", "MessageId": "m-1", "TopicArn": "arn:t", "Message": "confirm",
                 "Timestamp": "2026-12-01T10:15:02.000Z", "SignatureVersion": "1", "Signature": "c2ln",
                 "SigningCertURL": "https://sns/x.pem"}
                """))).isEmpty();
        assertThat(SnsMessage.of(mapper.readTree("""
                {"Type": "Other", "MessageId": "m-1", "TopicArn": "arn:t", "Message": "m",
                 "Timestamp": "2026-12-01T10:15:02.000Z", "SignatureVersion": "1", "Signature": "c2ln",
                 "SigningCertURL": "https://sns/x.pem"}
                """))).isEmpty();
        assertThat(SnsMessage.of(mapper.readTree("{\"Type\": \"Notification\", \"Message\": 5}"))).isEmpty();
    }
}
