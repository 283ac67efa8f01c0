//! Closed sets of values (a generated enum per set): the error of reading
//! text that is none of them, and the standard conversions every generated
//! enum has (`FromStr`, `Display`, `TryFrom<&str>`, `TryFrom<String>`,
//! `AsRef<str>`), written once here and invoked by one macro line per enum.

use std::fmt;

/// Text that is none of a closed set's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotInSet {
    /// The text given.
    pub value: String,
    /// The set's values.
    pub expected: &'static [&'static str],
}

impl NotInSet {
    /// `value` is not one of `expected`.
    pub fn new(value: &str, expected: &'static [&'static str]) -> NotInSet {
        NotInSet {
            value: value.to_string(),
            expected,
        }
    }
}

impl fmt::Display for NotInSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The text may be anything a caller received: show a bounded part.
        let shown: String = self.value.chars().take(100).collect();
        let more = if shown.len() < self.value.len() {
            "..."
        } else {
            ""
        };
        write!(
            f,
            "`{shown}{more}` is not one of: {}",
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for NotInSet {}

/// A generated closed-set enum: the enum (each variant renamed to its JSON
/// value and documented with it), `from_json`, `as_str` and the
/// conversions of [`__closed_set!`](crate::__closed_set). For generated
/// code only, which this keeps to a line per value.
#[doc(hidden)]
#[macro_export]
macro_rules! __closed_enum {
    ($(#[$attr:meta])* $ty:ident { $($variant:ident = $value:literal),* $(,)? }) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, $crate::__private::serde::Serialize, $crate::__private::serde::Deserialize)]
        #[serde(crate = "::gatespec_runtime::__private::serde")]
        pub enum $ty {
            $(
                #[doc = concat!("`", $value, "`")]
                #[serde(rename = $value)]
                $variant,
            )*
        }
        impl $ty {
            /// The variant for a JSON value, if it is one of the set.
            pub fn from_json(value: &str) -> ::core::option::Option<Self> {
                match value {
                    $($value => ::core::option::Option::Some(Self::$variant),)*
                    _ => ::core::option::Option::None,
                }
            }
            /// The JSON value of the variant.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $value,)*
                }
            }
        }
        $crate::__closed_set!($ty, [$($value),*]);
    };
}

/// The conversions of a generated closed-set enum `$ty`, whose values are
/// `$values` and which has `from_json` and `as_str`. For generated code
/// only, which this keeps to one line per enum.
#[doc(hidden)]
#[macro_export]
macro_rules! __closed_set {
    ($ty:ty, [$($value:literal),* $(,)?]) => {
        impl ::core::str::FromStr for $ty {
            type Err = $crate::closed::NotInSet;
            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                Self::from_json(text)
                    .ok_or_else(|| $crate::closed::NotInSet::new(text, &[$($value),*]))
            }
        }
        impl ::core::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::core::convert::TryFrom<&str> for $ty {
            type Error = $crate::closed::NotInSet;
            fn try_from(text: &str) -> ::core::result::Result<Self, Self::Error> {
                text.parse()
            }
        }
        impl ::core::convert::TryFrom<::std::string::String> for $ty {
            type Error = $crate::closed::NotInSet;
            fn try_from(text: ::std::string::String) -> ::core::result::Result<Self, Self::Error> {
                text.as_str().parse()
            }
        }
        impl ::core::convert::AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    };
}

#[cfg(test)]
mod tests {
    /// A closed set as the generator writes one.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Currency {
        Kzt,
        Usd,
    }

    impl Currency {
        fn from_json(value: &str) -> Option<Self> {
            match value {
                "KZT" => Some(Self::Kzt),
                "USD" => Some(Self::Usd),
                _ => None,
            }
        }
        fn as_str(self) -> &'static str {
            match self {
                Self::Kzt => "KZT",
                Self::Usd => "USD",
            }
        }
    }

    crate::__closed_set!(Currency, ["KZT", "USD"]);

    #[test]
    fn a_closed_set_converts_both_ways_and_names_what_it_expects() {
        assert_eq!("KZT".parse::<Currency>(), Ok(Currency::Kzt));
        assert_eq!(Currency::try_from("USD"), Ok(Currency::Usd));
        assert_eq!(Currency::try_from(String::from("USD")), Ok(Currency::Usd));
        assert_eq!(Currency::Kzt.to_string(), "KZT");
        assert_eq!(Currency::Usd.as_ref(), "USD");
        let e = "kzt".parse::<Currency>().unwrap_err();
        assert_eq!(e.to_string(), "`kzt` is not one of: KZT, USD");
        let long = "x".repeat(500);
        let shown = long.parse::<Currency>().unwrap_err().to_string();
        assert!(shown.len() < 150 && shown.contains("..."), "{shown}");
    }
}
