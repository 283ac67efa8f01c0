//! Callbacks: verify the signature from the raw body, and only then hand
//! out a typed, validated callback.

use std::fmt;

use crate::signature::{Ambiguity, SecretKey, Signed, verify_signed_bytes};
use crate::validate::{Report, Validate, Violation};

/// A callback whose signature verified and whose content validated.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedCallback<C> {
    /// The typed callback.
    pub callback: C,
    /// Values outside informational lists (unknown statuses, operators, ...).
    pub warnings: Vec<Violation>,
}

/// The largest callback body [`verify_callback`] reads: 1 MiB. The
/// platform's callbacks are about a kilobyte; a larger body is refused
/// before any parsing, so a hostile sender cannot make verification
/// allocate in proportion to what it sends.
pub const DEFAULT_MAX_BODY: usize = crate::validate::profile::MAX_BYTES;

/// Why a callback was rejected. Nothing of a rejected callback is trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackError {
    /// The body is larger than the limit; nothing of it was read.
    TooLarge {
        /// The body's size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The body is not JSON.
    NotJson(String),
    /// The body is JSON but not an object.
    NotAnObject,
    /// The body has no `signature` string.
    Unsigned,
    /// The signature does not match the body and the secret.
    BadSignature,
    /// The body could be read as something other than what was signed
    /// (a duplicate key, a separator in a key, a nested `signature`); it is
    /// refused whatever its signature.
    Ambiguous(Ambiguity),
    /// Signed correctly, but not a valid callback of this operation.
    Invalid(Report),
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallbackError::TooLarge { size, limit } => write!(
                f,
                "the callback is {size} bytes, more than the limit of {limit}"
            ),
            CallbackError::NotJson(e) => write!(f, "the callback is not JSON: {e}"),
            CallbackError::NotAnObject => f.write_str("the callback is not a JSON object"),
            CallbackError::Unsigned => f.write_str("the callback has no signature"),
            CallbackError::BadSignature => f.write_str("the callback's signature does not verify"),
            CallbackError::Ambiguous(a) => write!(f, "the callback is ambiguous: {a}"),
            CallbackError::Invalid(r) => write!(f, "the callback is not valid:\n{r}"),
        }
    }
}

impl std::error::Error for CallbackError {}

/// Verifies a callback from the raw request body of a web handler, then
/// validates it into `C`. The signature is checked in one pass over the
/// bytes and the typed callback built in a second; no `Value` is built.
/// Bodies past [`DEFAULT_MAX_BODY`] are refused; see
/// [`verify_callback_limited`] for another limit.
///
/// What verifies is what you read: an ambiguous body (see
/// [`Ambiguity`]) is refused, so every member of the typed callback is one
/// the signature covers, with the value the signature covers.
pub fn verify_callback<C: Validate>(
    body: &[u8],
    key: &SecretKey,
) -> Result<VerifiedCallback<C>, CallbackError> {
    verify_callback_limited(body, key, DEFAULT_MAX_BODY)
}

/// [`verify_callback`] with a limit of `max_bytes` on the body.
pub fn verify_callback_limited<C: Validate>(
    body: &[u8],
    key: &SecretKey,
    max_bytes: usize,
) -> Result<VerifiedCallback<C>, CallbackError> {
    if body.len() > max_bytes {
        return Err(CallbackError::TooLarge {
            size: body.len(),
            limit: max_bytes,
        });
    }
    match verify_signed_bytes(body, key) {
        Err(e) => return Err(CallbackError::NotJson(e.to_string())),
        Ok(Signed::NotAnObject) => return Err(CallbackError::NotAnObject),
        Ok(Signed::Missing) => return Err(CallbackError::Unsigned),
        Ok(Signed::Mismatch) => return Err(CallbackError::BadSignature),
        Ok(Signed::Ambiguous(a)) => return Err(CallbackError::Ambiguous(a)),
        Ok(Signed::Valid) => {}
    }
    let valid = C::from_json_slice(body).map_err(CallbackError::Invalid)?;
    Ok(VerifiedCallback {
        callback: valid.value,
        warnings: valid.warnings,
    })
}

/// A payment's status as callbacks report it; unknown values are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PaymentStatus {
    /// `success`.
    Success,
    /// `decline`.
    Decline,
    /// `refunded`.
    Refunded,
    /// Any other status, as sent.
    Other(String),
}

impl PaymentStatus {
    /// The status for a value of `payment.status`.
    pub fn parse(s: &str) -> Self {
        match s {
            "success" => PaymentStatus::Success,
            "decline" => PaymentStatus::Decline,
            "refunded" => PaymentStatus::Refunded,
            other => PaymentStatus::Other(other.to_owned()),
        }
    }

    /// Whether the payment is final: success, decline or refunded. Unknown
    /// statuses are treated as not final, so nothing is settled on a guess.
    pub fn is_final(&self) -> bool {
        !matches!(self, PaymentStatus::Other(_))
    }
}

/// An operation's status as callbacks report it; unknown values are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OperationStatus {
    /// `success`.
    Success,
    /// `decline`.
    Decline,
    /// Any other status, as sent.
    Other(String),
}

impl OperationStatus {
    /// The status for a value of `operation.status`.
    pub fn parse(s: &str) -> Self {
        match s {
            "success" => OperationStatus::Success,
            "decline" => OperationStatus::Decline,
            other => OperationStatus::Other(other.to_owned()),
        }
    }

    /// Whether the operation is final (success or decline).
    pub fn is_final(&self) -> bool {
        !matches!(self, OperationStatus::Other(_))
    }
}

/// The helpers of a generated callback type: `verify` from the raw body,
/// then `payment_status` and `operation_status` when named (the callback
/// has the platform's envelope fields they read). For generated code only,
/// which this keeps to one line per type.
#[doc(hidden)]
#[macro_export]
macro_rules! __callback_helpers {
    ($ty:ident $(, $helper:ident)* $(,)?) => {
        impl $ty {
            /// Verifies the callback's signature from the raw body of the web
            /// request, then validates it; nothing is handed out before both.
            pub fn verify(
                body: &[u8],
                secret: &$crate::signature::SecretKey,
            ) -> ::core::result::Result<
                $crate::callback::VerifiedCallback<Self>,
                $crate::callback::CallbackError,
            > {
                $crate::callback::verify_callback(body, secret)
            }
            $( $crate::__callback_helpers!(@$helper); )*
        }
    };
    (@payment_status) => {
        /// The payment's status (unknown values kept); `is_final` tells whether it settles the payment.
        pub fn payment_status(&self) -> $crate::callback::PaymentStatus {
            $crate::callback::PaymentStatus::parse(&self.payment.status)
        }
    };
    (@operation_status) => {
        /// The operation's status, when the callback has one.
        pub fn operation_status(&self) -> ::core::option::Option<$crate::callback::OperationStatus> {
            self.operation
                .as_ref()
                .and_then(|o| o.status.as_deref())
                .map($crate::callback::OperationStatus::parse)
        }
    };
}
