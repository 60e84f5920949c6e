// SPDX-License-Identifier: MIT
pragma solidity >=0.8.0;

/// @notice Stand-in for solmate's ERC20 (AGPL-3.0) in Permit2's imports. Permit2 uses the type only
/// as the receiver of SafeTransferLib calls, so an empty contract type is all it needs; this keeps
/// the committed sources MIT.
abstract contract ERC20 {}
