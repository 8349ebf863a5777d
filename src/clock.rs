//! The one clock every stage reads.

use chrono::{DateTime, SubsecRound, Utc};

/// The current time to the second: feeds show it (`lastBuildDate`, first-seen dates), and
/// nanoseconds in a feed are noise that some readers choke on.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(0)
}
