//! Reading the kind registry: every proof-gated task kind, its verifying-key versions, and the
//! spec a task settles under.

use crate::error::Error;
use crate::marketplace::Marketplace;
use agora_core::{
    Canonical, KindRecord, KindSpec, KindVersion, MANUAL_KIND, StateView, Table, TaskKind, TaskRecord, kind_keys,
};

impl Marketplace {
    /// Every kind in the registry (genesis and registered, retired included), by number.
    pub fn kinds(&self) -> Result<Vec<KindRecord>, Error> {
        let entries = self.snapshot()?.scan_prefix(Table::Kinds, &[], usize::MAX)?;
        entries.iter().map(|(_, v)| Ok(KindRecord::from_canonical_bytes(v)?)).collect()
    }

    /// One kind.
    pub fn kind(&self, kind: TaskKind) -> Result<Option<KindRecord>, Error> {
        self.read(Table::Kinds, &kind_keys::kind(kind))
    }

    /// The kind with this name.
    pub fn kind_by_name(&self, name: &str) -> Result<Option<KindRecord>, Error> {
        let Some(bytes) = self.snapshot()?.get(Table::KindNames, &kind_keys::name(name))? else {
            return Ok(None);
        };
        let number: [u8; 2] = bytes.as_slice().try_into().map_err(|_| agora_core::StateError::Corrupt {
            table: Table::KindNames.name(),
            reason: "kind number is not 2 bytes".into(),
        })?;
        self.kind(u16::from_be_bytes(number))
    }

    /// A kind by its name or its number (as the CLI and the HTTP API accept it).
    pub fn kind_named(&self, name_or_number: &str) -> Result<Option<KindRecord>, Error> {
        match name_or_number.parse::<TaskKind>() {
            Ok(number) => self.kind(number),
            Err(_) => self.kind_by_name(name_or_number),
        }
    }

    /// Every verifying-key version of a kind, oldest first.
    pub fn kind_versions(&self, kind: TaskKind) -> Result<Vec<KindVersion>, Error> {
        let entries = self.snapshot()?.scan_prefix(Table::KindVersions, &kind_keys::kind(kind), usize::MAX)?;
        entries.iter().map(|(_, v)| Ok(KindVersion::from_canonical_bytes(v)?)).collect()
    }

    /// One version of a kind.
    pub fn kind_version(&self, kind: TaskKind, version: u16) -> Result<Option<KindVersion>, Error> {
        self.read(Table::KindVersions, &kind_keys::version(kind, version))
    }

    /// Every kind's spec under its current version (what agent cards, key directories and
    /// provers of new tasks need), by number.
    pub fn kind_specs(&self) -> Result<Vec<KindSpec>, Error> {
        let mut specs = Vec::new();
        for record in self.kinds()? {
            if let Some(version) = self.kind_version(record.kind, record.version)? {
                specs.push(record.spec(&version));
            }
        }
        Ok(specs)
    }

    /// [`Marketplace::kind_specs`] of the kinds that take new tasks (not retired): what an agent
    /// card advertises.
    pub fn live_kind_specs(&self) -> Result<Vec<KindSpec>, Error> {
        let live: Vec<TaskKind> = self.kinds()?.into_iter().filter(|k| !k.retired).map(|k| k.kind).collect();
        Ok(self.kind_specs()?.into_iter().filter(|s| live.contains(&s.kind)).collect())
    }

    /// The spec a task settles under: its kind with the key of the version it was posted
    /// under. `None` for a manual task.
    pub fn task_kind_spec(&self, task: &TaskRecord) -> Result<Option<KindSpec>, Error> {
        if task.offer.kind == MANUAL_KIND {
            return Ok(None);
        }
        let (Some(record), Some(version)) =
            (self.kind(task.offer.kind)?, self.kind_version(task.offer.kind, task.kind_version)?)
        else {
            return Ok(None);
        };
        Ok(Some(record.spec(&version)))
    }
}
