// SPDX-License-Identifier: MIT
pragma solidity >=0.8.0;

import {ERC20} from "./ERC20.sol";

/// @notice Stand-in for solmate's SafeTransferLib (AGPL-3.0) with the one function Permit2 calls.
/// Same rule as solmate: the call must succeed and return nothing or `true`.
library SafeTransferLib {
    error TransferFromFailed();

    function safeTransferFrom(ERC20 token, address from, address to, uint256 amount) internal {
        (bool ok, bytes memory data) =
            address(token).call(abi.encodeWithSelector(0x23b872dd, from, to, amount));
        if (!ok || (data.length != 0 && !abi.decode(data, (bool)))) revert TransferFromFailed();
    }
}
