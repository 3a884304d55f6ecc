//! Run-time settings of the library that the v4 API fixed at compile time.
