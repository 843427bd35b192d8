//! Assets and money movements: declare, deposit, withdraw, transfer.

use super::audit_log::append;
use super::context::{Ctx, Fault, ensure};
use crate::audit::AuditKind;
use crate::block::Created;
use crate::config::ASSET_COUNTER;
use crate::encoding::Writer;
use crate::ids::{Amount, AssetId};
use crate::records::AssetRecord;
use crate::state::{StateView, Table};
use crate::status::Status;
use agora_identity::AgentId;

pub(super) fn declare_asset(
    ctx: &mut Ctx<'_, '_>,
    sender: &AgentId,
    symbol: &str,
    decimals: u8,
) -> Result<Created, Fault> {
    ensure(ctx.config.operators.contains(sender), Status::NotOperator)?;
    ensure(ctx.layer.get(Table::AssetSymbols, symbol.as_bytes())?.is_none(), Status::AssetExists)?;
    let next = ctx.counter(ASSET_COUNTER)?.checked_add(1).ok_or(Status::AmountOverflow)?;
    let id = AssetId(u32::try_from(next).map_err(|_| Status::AmountOverflow)?);
    ctx.set_counter(ASSET_COUNTER, next);
    ctx.put_asset(&AssetRecord { id, symbol: symbol.to_string(), decimals, supply: 0 });
    ctx.layer.put(Table::AssetSymbols, symbol.as_bytes().to_vec(), id.0.to_be_bytes().to_vec());
    let mut data = Writer::new();
    data.str(symbol);
    append(ctx, AuditKind::DeclareAsset, sender, None, data)?;
    Ok(Created::Asset(id))
}

pub(super) fn deposit(
    ctx: &mut Ctx<'_, '_>,
    sender: &AgentId,
    to: &AgentId,
    asset: AssetId,
    amount: Amount,
) -> Result<Created, Fault> {
    ensure(ctx.config.operators.contains(sender), Status::NotOperator)?;
    let mut record = ctx.asset(asset)?.ok_or(Status::UnknownAsset)?;
    ensure(amount > 0, Status::ZeroAmount)?;
    record.supply = record.supply.checked_add(amount).ok_or(Status::AmountOverflow)?;
    ctx.put_asset(&record);
    ctx.credit(to, asset, amount)?;
    let mut data = Writer::new();
    data.u32(asset.0);
    data.u128(amount);
    append(ctx, AuditKind::Deposit, sender, Some(*to), data)?;
    Ok(Created::Nothing)
}

pub(super) fn withdraw(
    ctx: &mut Ctx<'_, '_>,
    sender: &AgentId,
    asset: AssetId,
    amount: Amount,
) -> Result<Created, Fault> {
    let mut record = ctx.asset(asset)?.ok_or(Status::UnknownAsset)?;
    ensure(amount > 0, Status::ZeroAmount)?;
    ctx.debit(sender, asset, amount)?;
    record.supply = record.supply.checked_sub(amount).ok_or(Status::InsufficientFunds)?;
    ctx.put_asset(&record);
    Ok(Created::Nothing)
}

pub(super) fn transfer(
    ctx: &mut Ctx<'_, '_>,
    sender: &AgentId,
    to: &AgentId,
    asset: AssetId,
    amount: Amount,
) -> Result<Created, Fault> {
    ctx.asset(asset)?.ok_or(Status::UnknownAsset)?;
    ensure(amount > 0, Status::ZeroAmount)?;
    ctx.debit(sender, asset, amount)?;
    let fee = ctx.fee_on(amount);
    ctx.credit(to, asset, amount - fee)?;
    let fee_account = ctx.config.fee_account;
    ctx.credit(&fee_account, asset, fee)?;
    Ok(Created::Nothing)
}
