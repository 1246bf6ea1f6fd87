//! Measures over one student's registrations.
