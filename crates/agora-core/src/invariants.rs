//! Checks of the state's invariants, for tests, audits and the CLI.

use crate::cases::{ArbitratorRecord, CasePhase, CaseRecord};
use crate::encoding::Canonical;
use crate::ids::{Amount, AssetId};
use crate::loans::LoanRecord;
use crate::records::{AccountRecord, AssetRecord, TaskRecord};
use crate::state::{StateError, StateView, Table};
use std::collections::BTreeMap;

/// Where one asset's supply sits.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetTotals {
    /// Asset.
    pub asset: u32,
    /// Deposits minus withdrawals (including genesis balances).
    #[serde(with = "crate::ids::amount_serde")]
    pub supply: Amount,
    /// Sum of all account balances (the fee account included).
    #[serde(with = "crate::ids::amount_serde")]
    pub balances: Amount,
    /// Sum of task escrows and loan escrows (principals on offer).
    #[serde(with = "crate::ids::amount_serde")]
    pub escrow: Amount,
    /// Sum of registration bonds.
    #[serde(with = "crate::ids::amount_serde")]
    pub bonds: Amount,
    /// Held by arbitration: arbitrator bonds, and the dispute fees and appeal bonds of open
    /// cases.
    #[serde(with = "crate::ids::amount_serde")]
    pub arbitration: Amount,
}

impl AssetTotals {
    /// True when balances + escrow (tasks and loans) + bonds + arbitration holdings = supply,
    /// exactly.
    pub fn conserved(&self) -> bool {
        self.balances
            .checked_add(self.escrow)
            .and_then(|s| s.checked_add(self.bonds))
            .and_then(|s| s.checked_add(self.arbitration))
            == Some(self.supply)
    }
}

fn corrupt(table: Table, e: impl std::fmt::Display) -> StateError {
    StateError::Corrupt { table: table.name(), reason: e.to_string() }
}

/// Sums every balance, escrow and bond per asset next to its supply. Reads the whole state.
pub fn asset_totals(state: &dyn StateView, bond_asset: AssetId) -> Result<Vec<AssetTotals>, StateError> {
    let mut totals: BTreeMap<u32, AssetTotals> = BTreeMap::new();
    for (_, bytes) in state.scan_prefix(Table::Assets, &[], usize::MAX)? {
        let asset = AssetRecord::from_canonical_bytes(&bytes).map_err(|e| corrupt(Table::Assets, e))?;
        totals.insert(asset.id.0, AssetTotals { asset: asset.id.0, supply: asset.supply, ..Default::default() });
    }
    let mut add = |asset: u32, f: &dyn Fn(&mut AssetTotals) -> &mut Amount, amount: Amount| {
        let entry = totals.entry(asset).or_insert_with(|| AssetTotals { asset, ..Default::default() });
        let slot = f(entry);
        *slot = slot.saturating_add(amount);
    };
    for (key, bytes) in state.scan_prefix(Table::Balances, &[], usize::MAX)? {
        let asset: [u8; 4] =
            key.get(32..36).and_then(|s| s.try_into().ok()).ok_or_else(|| corrupt(Table::Balances, "key"))?;
        let amount: [u8; 16] = bytes.as_slice().try_into().map_err(|_| corrupt(Table::Balances, "value"))?;
        add(u32::from_be_bytes(asset), &|t| &mut t.balances, u128::from_le_bytes(amount));
    }
    for (_, bytes) in state.scan_prefix(Table::Tasks, &[], usize::MAX)? {
        let task = TaskRecord::from_canonical_bytes(&bytes).map_err(|e| corrupt(Table::Tasks, e))?;
        add(task.offer.asset.0, &|t| &mut t.escrow, task.escrow);
    }
    for (_, bytes) in state.scan_prefix(Table::Loans, &[], usize::MAX)? {
        let loan = LoanRecord::from_canonical_bytes(&bytes).map_err(|e| corrupt(Table::Loans, e))?;
        add(loan.asset.0, &|t| &mut t.escrow, loan.escrow);
    }
    for (_, bytes) in state.scan_prefix(Table::Accounts, &[], usize::MAX)? {
        let account = AccountRecord::from_canonical_bytes(&bytes).map_err(|e| corrupt(Table::Accounts, e))?;
        if let Some(reg) = account.registration {
            add(bond_asset.0, &|t| &mut t.bonds, reg.bond);
        }
    }
    for (_, bytes) in state.scan_prefix(Table::Arbitrators, &[], usize::MAX)? {
        let record = ArbitratorRecord::from_canonical_bytes(&bytes).map_err(|e| corrupt(Table::Arbitrators, e))?;
        add(bond_asset.0, &|t| &mut t.arbitration, record.bond);
    }
    for (_, bytes) in state.scan_prefix(Table::Disputes, &[], usize::MAX)? {
        let case = CaseRecord::from_canonical_bytes(&bytes).map_err(|e| corrupt(Table::Disputes, e))?;
        if case.phase != CasePhase::Closed {
            add(bond_asset.0, &|t| &mut t.arbitration, case.fee.saturating_add(case.appeal_bond));
        }
    }
    Ok(totals.into_values().collect())
}
