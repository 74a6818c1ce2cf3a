--- The model compiler: model text -> analysed neuron/synapse types (the C they become is
-- written by annarchy.codegen).
--
--     local compiler = require("annarchy.compiler")
--     local reg = compiler.new_function_registry()
--     compiler.add_function(reg, "sigmoid(x) = 1 / (1 + exp(-x))")
--     local A = compiler.analyse.neuron(model, {functions = reg, constants = {...}})
local analyse = require("annarchy.compiler.analyse")
local functions = require("annarchy.compiler.functions")
local errors = require("annarchy.compiler.errors")

local M = {
  analyse = analyse,
  errors = errors,
  methods = require("annarchy.compiler.methods"),
  symbolic = require("annarchy.compiler.symbolic"),
  parser = require("annarchy.compiler.parser"),
  statements = require("annarchy.compiler.statements"),
}

--- A new registry of global functions (owned by the caller).
function M.new_function_registry()
  return functions.new_registry()
end

--- Adds a global function, `"name(a, b) = expression [: types]"`, to a registry.
-- @return the list of added definitions
function M.add_function(registry, text)
  return functions.add(registry, text)
end

--- A Lua function evaluating the global function `name` of a registry.
-- @param consts name -> value (numbers or objects with .value) of the visible constants
function M.lua_function(registry, name, consts)
  return functions.lua_function(registry, name, consts)
end

--- A Lua function evaluating a function of an analysed model (local functions, and the
-- global ones it uses).
function M.model_function(A, name, consts)
  for _, f in ipairs(A.functions or {}) do
    if f.name == name and not f.global then return functions.to_lua(f, consts) end
  end
  for _, f in ipairs(A.functions or {}) do
    if f.name == name then return functions.to_lua(f, consts) end
  end
  error("annarchy: " .. A.object .. " \"" .. tostring(A.name) .. "\" has no function called '" ..
    tostring(name) .. "'", 0)
end

--- True if err is an annarchy error message.
M.is_error = errors.is_annarchy

return M
