//! Reads of disputes, arbitrators, freezes and the audit log.

use crate::error::Error;
use crate::marketplace::Marketplace;
use agora_core::{
    AgentId, ArbitratorRecord, AuditEntry, AuditVerification, CaseId, CaseRecord, FreezeRecord, Table, audit_entries,
    case_keys, verify_audit_chain,
};

impl Marketplace {
    /// A dispute case (task dispute or freeze appeal).
    pub fn dispute(&self, id: CaseId) -> Result<Option<CaseRecord>, Error> {
        self.read(Table::Disputes, &case_keys::case(id))
    }

    /// An agent's arbitrator record, if it registered as one.
    pub fn arbitrator(&self, id: &AgentId) -> Result<Option<ArbitratorRecord>, Error> {
        self.read(Table::Arbitrators, &case_keys::arbitrator(id))
    }

    /// An agent's freeze record (active freeze and pending approvals), if any.
    pub fn freeze(&self, id: &AgentId) -> Result<Option<FreezeRecord>, Error> {
        self.read(Table::Freezes, &case_keys::freeze(id))
    }

    /// Every audit log entry, in sequence order.
    pub fn audit_log(&self) -> Result<Vec<AuditEntry>, Error> {
        Ok(audit_entries(&self.snapshot()?)?)
    }

    /// Recomputes the audit log's hash chain from the database and reports the first break.
    pub fn verify_audit(&self) -> Result<AuditVerification, Error> {
        Ok(verify_audit_chain(&self.snapshot()?, &self.genesis_hash())?)
    }
}
