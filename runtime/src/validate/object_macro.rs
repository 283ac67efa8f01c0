//! The validator of a generated object type (and the patterns its rules
//! name), written once here as declarative macros: generated code says per
//! member only its name, its requiredness and its reader, so a method adds
//! a few lines per object instead of the whole loop. The expansion is the
//! code the generator wrote out before, so validation costs the same.

/// Implements [`LenientObject`](crate::validate::LenientObject) for a
/// generated struct. For generated code only.
///
/// ```text
/// __lenient_object! {
///     Type, extra,
///     [ rust_name "json_name" strict|optional [lenient] (reader), ... ],
///     [ requires(a "a" b "b"), bound(currency amount "KZT" "amount" BOUND_0), ... ]
/// }
/// ```
///
/// The rules a reader names (`RULES`, `BOUND_0`) are statics beside the
/// call. A reader is `(any_string)`, `(any_integer)`, `(string RULES)`,
/// `(string RULES as Enum)`, `(integer RULES)` or `(value Type)`. A
/// `lenient` member's refusals are a warning and its value is kept in
/// `extra`.
#[doc(hidden)]
#[macro_export]
macro_rules! __lenient_object {
    (
        $ty:ident, $extra:ident,
        [ $( $id:ident $key:literal $req:ident $($lenient:ident)? ( $($read:tt)* ) ),* $(,)? ],
        [ $( $check:ident ( $($check_arg:tt)* ) ),* $(,)? ] $(,)?
    ) => {
        impl $crate::validate::LenientObject for $ty {
            fn members<'de, GatespecMap: $crate::__private::serde::de::MapAccess<'de>>(
                mut map: GatespecMap,
                path: &$crate::validate::Path<'_>,
                report: &mut $crate::validate::Report,
            ) -> ::core::result::Result<::core::option::Option<Self>, GatespecMap::Error> {
                let before = report.errors.len();
                $( let mut $id = $crate::validate::Field::Missing; )*
                let mut $extra = $crate::Extra::new();
                while let ::core::option::Option::Some(key) =
                    map.next_key::<$crate::validate::Key<'de>>()?
                {
                    match key.as_str() {
                        $(
                            $key => {
                                let at = $crate::validate::member(&$id, $key, path, report);
                                $id = $crate::__lenient_object!(
                                    @member [$($lenient)?] map at path report $key $extra ($($read)*)
                                );
                            }
                        )*
                        other => $crate::validate::unknown(&mut map, &mut $extra, other, path, report)?,
                    }
                }
                $( $crate::__lenient_object!(@require $req $id $key path report); )*
                $( $crate::__lenient_object!(@check $check ($($check_arg)*) path report); )*
                if report.errors.len() > before {
                    return ::core::result::Result::Ok(::core::option::Option::None);
                }
                $( $crate::__lenient_object!(@take $req $id); )*
                ::core::result::Result::Ok(::core::option::Option::Some(Self { $($id,)* $extra }))
            }
        }
    };
    (@member [] $map:ident $at:ident $path:ident $report:ident $key:literal $extra:ident $read:tt) => {
        $crate::__lenient_object!(@read $map $at $report $read)
    };
    // The reader runs on the value alone (`map` is then that one value);
    // what it refuses is kept in `extra` with a warning.
    (@member [lenient] $map:ident $at:ident $path:ident $report:ident $key:literal $extra:ident $read:tt) => {
        $crate::validate::lenient_member(&mut $map, $path, $key, &mut $extra, $report, |mut $map, $report| {
            let field = $crate::__lenient_object!(@read $map $at $report $read);
            ::core::result::Result::Ok(field)
        })?
    };
    (@read $map:ident $at:ident $report:ident (any_string)) => {
        $crate::validate::any_string(&mut $map, &$at, $report)?
    };
    (@read $map:ident $at:ident $report:ident (any_integer)) => {
        $crate::validate::any_integer(&mut $map, &$at, $report)?
    };
    (@read $map:ident $at:ident $report:ident (string $rules:ident)) => {
        $crate::validate::string(&mut $map, &$at, &$rules, $report)?
    };
    (@read $map:ident $at:ident $report:ident (string $rules:ident as $enum:ty)) => {
        $crate::validate::string(&mut $map, &$at, &$rules, $report)?.and_then(|s| <$enum>::from_json(&s))
    };
    (@read $map:ident $at:ident $report:ident (integer $rules:ident)) => {
        $crate::validate::integer(&mut $map, &$at, &$rules, $report)?
    };
    (@read $map:ident $at:ident $report:ident (value $t:ty)) => {
        $crate::validate::value::<$t, _>(&mut $map, &$at, $report)?
    };
    (@require strict $id:ident $key:literal $path:ident $report:ident) => {
        $crate::validate::require(&$id, $key, $path, $report);
    };
    (@require optional $id:ident $key:literal $path:ident $report:ident) => {};
    // `present` is given, so `needed` must be.
    (@check requires ($present:ident $pkey:literal $needed:ident $nkey:literal) $path:ident $report:ident) => {
        if !$present.is_missing() && $needed.is_missing() {
            $crate::validate::rules::missing_dependency($pkey, $nkey, $path, $report);
        }
    };
    // The amount's bounds in one currency (a static `IntegerRules`).
    (@check bound ($currency:ident $amount:ident $code:literal $key:literal $rules:ident) $path:ident $report:ident) => {
        if let (
            $crate::validate::Field::Valid(currency),
            $crate::validate::Field::Valid(amount),
        ) = (&$currency, &$amount)
        {
            if currency.as_str() == $code {
                $rules.check(*amount, &$path.key($key), $report);
            }
        }
    };
    // Strict members leave their `Field` at once; after the error check
    // above they are all valid, so the `else` never runs.
    (@take strict $id:ident) => {
        let $crate::validate::Field::Valid($id) = $id else {
            return ::core::result::Result::Ok(::core::option::Option::None);
        };
    };
    (@take optional $id:ident) => {
        let $id = $id.into_option();
    };
}

/// A `&'static Pattern` for a spec's regular expression, compiled on first
/// use. For generated code only, which this keeps to one line per pattern.
#[doc(hidden)]
#[macro_export]
macro_rules! __pattern {
    ($regex:literal) => {{
        static PATTERN: $crate::validate::Pattern = $crate::validate::Pattern::new($regex);
        &PATTERN
    }};
}
