//! Unit enums stored by name ("user", "sliding_window", "rate_limited"…). serde's derive
//! generates a visitor for each such enum; reading a string and looking it up in the
//! enum's table is one string read shared by all of them, and writes the same names.

use serde::de::Error;
use serde::{Deserialize, Deserializer};

/// Reads a value stored as one of the names in `table`.
///
/// # Errors
/// Anything but a string, or a name that is not in `table`, in serde's words
/// ("unknown variant `x`, expected one of `a`, `b`").
pub fn read<'de, D: Deserializer<'de>, T: Copy>(
    deserializer: D,
    table: &[(&str, T)],
) -> Result<T, D::Error> {
    let name = String::deserialize(deserializer)?;
    match table.iter().find(|(n, _)| *n == name) {
        Some((_, value)) => Ok(*value),
        None => {
            let expected: Vec<String> = table.iter().map(|(n, _)| format!("`{n}`")).collect();
            Err(D::Error::custom(format!(
                "unknown variant `{name}`, expected one of {}",
                expected.join(", ")
            )))
        }
    }
}

/// Implements `Deserialize` for a unit enum by [`read`] over its table of names.
macro_rules! by_name {
    ($ty:ty, [$($name:literal => $value:expr),+ $(,)?]) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::core::names::read(d, &[$(($name, $value)),+])
            }
        }
    };
}
pub(crate) use by_name;

#[cfg(test)]
mod tests {
    use crate::core::message::Role;

    #[test]
    fn a_name_reads_as_its_value_and_anything_else_says_what_was_expected() {
        let role: Role = serde_json::from_str("\"assistant\"").unwrap();
        assert_eq!(role, Role::Assistant);
        let error = serde_json::from_str::<Role>("\"robot\"")
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(
                "unknown variant `robot`, expected one of `system`, `user`, `assistant`"
            ),
            "{error}"
        );
        assert!(serde_json::from_str::<Role>("7").is_err());
        // Written as before.
        assert_eq!(serde_json::to_string(&Role::User).unwrap(), "\"user\"");
    }

    /// Every value is read back from the name it is written as.
    fn round_trips<T>(values: &[T])
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        for v in values {
            let text = serde_json::to_string(v).unwrap();
            assert_eq!(&serde_json::from_str::<T>(&text).unwrap(), v, "{text}");
        }
    }

    #[test]
    fn every_stored_name_reads_back() {
        use crate::core::memory::MemoryStrategy;
        use crate::core::message::CutOffReason;
        use crate::core::openai::error::ErrorKind as K;
        use crate::core::tokens::Encoding;
        round_trips(&[Role::System, Role::User, Role::Assistant]);
        round_trips(&[CutOffReason::Length, CutOffReason::ContentFilter]);
        round_trips(&MemoryStrategy::ALL);
        round_trips(&[Encoding::O200kBase, Encoding::Cl100kBase]);
        round_trips(&[
            K::Auth,
            K::Forbidden,
            K::ModelNotFound,
            K::NotFound,
            K::BadRequest,
            K::ContextTooLong,
            K::RateLimited,
            K::Quota,
            K::Server,
            K::Network,
            K::Timeout,
            K::Aborted,
            K::OverBudget,
        ]);
    }
}
