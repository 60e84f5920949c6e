// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Plain test token for local chains
/// @notice An ERC-20 with nothing else: no EIP-3009 and no EIP-2612 permit, like most tokens. x402's
/// exact scheme pays in such a token through Permit2 (the payer approves Permit2 once, then signs a
/// Permit2 transfer per call). It has no constructor, so its runtime code can be placed at a fixed
/// address with `anvil_setCode`. `mint` is open: this token only ever lives on anvil.
contract TestPlainToken {
    string public constant name = "Test Plain USD";
    string public constant symbol = "TPUSD";
    uint8 public constant decimals = 6;

    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    function mint(address to, uint256 value) external {
        require(to != address(0), "TestPlainToken: mint to the zero address");
        totalSupply += value;
        balanceOf[to] += value;
        emit Transfer(address(0), to, value);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _transfer(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            require(allowed >= value, "TestPlainToken: insufficient allowance");
            allowance[from][msg.sender] = allowed - value;
        }
        _transfer(from, to, value);
        return true;
    }

    function _transfer(address from, address to, uint256 value) private {
        require(to != address(0), "TestPlainToken: transfer to the zero address");
        require(balanceOf[from] >= value, "TestPlainToken: insufficient balance");
        balanceOf[from] -= value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}
