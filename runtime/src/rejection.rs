//! The rejection codes the sandbox Gate answers with, one type for the
//! sandbox (which cannot answer with another) and for the published
//! OpenAPI documents (which list them). The platform documents no codes of
//! its own: a client must accept any code, and the published schemas keep
//! the list open.

/// A rejection's `code`, as the sandbox answers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RejectionCode {
    /// The body is larger than the configured limit (or a Payment Page URL
    /// longer than it).
    BodyTooLarge,
    /// A refund's currency is not the payment's.
    CurrencyMismatch,
    /// The project already has a payment with this id.
    DuplicatePaymentId,
    /// The sandbox could not record the request.
    Internal,
    /// The body is not JSON, or lies outside the input profile.
    InvalidJson,
    /// The request breaks the operation's rules.
    InvalidRequest,
    /// The signature does not verify, or the body is ambiguous.
    InvalidSignature,
    /// The path takes another HTTP method.
    MethodNotAllowed,
    /// A clarification names a payment that waits for no OTP.
    NotAwaitingClarification,
    /// A refund names a payment that cannot be refunded.
    NotRefundable,
    /// The specs document no callback for the operation, so what follows
    /// cannot be simulated.
    NotSimulated,
    /// No more new OTPs may be sent for the payment.
    OtpResendLimit,
    /// A new OTP was asked for before the current one's window passed.
    OtpResendTooEarly,
    /// A refund asks for more than is left.
    RefundExceedsAmount,
    /// The request's body or form did not arrive in time.
    RequestTimeout,
    /// The request names a host this sandbox does not serve.
    UnknownHost,
    /// No operation has this path (or brand).
    UnknownOperation,
    /// No payment (or Payment Page session) has this id.
    UnknownPayment,
    /// No project has this id.
    UnknownProject,
    /// The body is not sent as JSON.
    UnsupportedMediaType,
}

impl RejectionCode {
    /// Every code, in the order of their names.
    pub const ALL: [RejectionCode; 20] = [
        RejectionCode::BodyTooLarge,
        RejectionCode::CurrencyMismatch,
        RejectionCode::DuplicatePaymentId,
        RejectionCode::Internal,
        RejectionCode::InvalidJson,
        RejectionCode::InvalidRequest,
        RejectionCode::InvalidSignature,
        RejectionCode::MethodNotAllowed,
        RejectionCode::NotAwaitingClarification,
        RejectionCode::NotRefundable,
        RejectionCode::NotSimulated,
        RejectionCode::OtpResendLimit,
        RejectionCode::OtpResendTooEarly,
        RejectionCode::RefundExceedsAmount,
        RejectionCode::RequestTimeout,
        RejectionCode::UnknownHost,
        RejectionCode::UnknownOperation,
        RejectionCode::UnknownPayment,
        RejectionCode::UnknownProject,
        RejectionCode::UnsupportedMediaType,
    ];

    /// The code as the rejection body writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            RejectionCode::BodyTooLarge => "body_too_large",
            RejectionCode::CurrencyMismatch => "currency_mismatch",
            RejectionCode::DuplicatePaymentId => "duplicate_payment_id",
            RejectionCode::Internal => "internal",
            RejectionCode::InvalidJson => "invalid_json",
            RejectionCode::InvalidRequest => "invalid_request",
            RejectionCode::InvalidSignature => "invalid_signature",
            RejectionCode::MethodNotAllowed => "method_not_allowed",
            RejectionCode::NotAwaitingClarification => "not_awaiting_clarification",
            RejectionCode::NotRefundable => "not_refundable",
            RejectionCode::NotSimulated => "not_simulated",
            RejectionCode::OtpResendLimit => "otp_resend_limit",
            RejectionCode::OtpResendTooEarly => "otp_resend_too_early",
            RejectionCode::RefundExceedsAmount => "refund_exceeds_amount",
            RejectionCode::RequestTimeout => "request_timeout",
            RejectionCode::UnknownHost => "unknown_host",
            RejectionCode::UnknownOperation => "unknown_operation",
            RejectionCode::UnknownPayment => "unknown_payment",
            RejectionCode::UnknownProject => "unknown_project",
            RejectionCode::UnsupportedMediaType => "unsupported_media_type",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RejectionCode;

    #[test]
    fn every_code_is_listed_once_in_name_order() {
        let codes: Vec<&str> = RejectionCode::ALL.iter().map(|c| c.as_str()).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }
}
