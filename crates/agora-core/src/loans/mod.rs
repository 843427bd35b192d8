//! Micro-loans backed by reputation: the records (`records`) and the exact integer terms
//! (`terms`: interest, value in reference points, borrow limit, default compensation).
//!
//! A lender escrows a principal in an offer; a borrower accepts by pledging part of its own
//! proven reputation, which stays locked until the loan is repaid or defaulted. Pledged points
//! cannot back a second loan. On default the pledge is burned and a share of the borrower's
//! registration bond compensates the lender. The handlers live in `exec/loans.rs`.

mod records;
mod terms;

pub use records::{LOAN_COUNTER, LoanId, LoanRecord, LoanStatus, ReputationLock, loan_key, lock_key};
pub use terms::{
    BOND_BORROW_BPS, DEFAULT_BOND_SHARE_BPS, PLEDGE_COVER_BPS, borrow_limit_points, default_compensation, held_points,
    interest_on, points_to_amount, value_points,
};
