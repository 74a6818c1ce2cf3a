--- ann.report(net, {filename, standalone, gather_subprojections, title, author, date})
-- (reference-library §5.4; QUIRKS library 26): a description of a network in Markdown (`.md`,
-- `.qmd`, for pandoc or Quarto) or LaTeX (`.tex`, tables after Nordlie, Gewaltig & Plesser
-- 2009), chosen by the file's extension. Populations, projections, monitors, every neuron and
-- synapse model with its parameters and equations (typeset by annarchy.io.report_math, the text as
-- written kept beside it in Markdown), constants, global functions, the parameters' values.
local runtime = require("annarchy.runtime")
local util = require("annarchy.util")
local args = require("annarchy.args")
local rm = require("annarchy.io.report_math")
local population = require("annarchy.population")
local random = require("annarchy.random")

local fail = util.fail
local M = {}

-- ---- values ---------------------------------------------------------------------------------

local function num(v)
  if v == math.floor(v) and math.abs(v) < 1e15 then return ("%.1f"):format(v) end
  return ("%.10g"):format(v)
end

--- A value as text: numbers, booleans, distributions, initial values naming a parameter or
-- a constant, Arrays and lists of Arrays as "[min, max]" (or the value when all are equal).
local function value_text(v)
  local tv = type(v)
  if tv == "number" then return num(v) end
  if tv == "boolean" or tv == "string" then return tostring(v) end
  if random.is_distribution(v) then return tostring(v) end
  if runtime.is_array(v) or tv == "table" then
    if tv == "table" and getmetatable(v) == nil and (v.param or v.const) then return v.param or v.const end
    if tv == "table" and getmetatable(v) == nil and v.dist then return v.dist .. "(...)" end
    local lo, hi = math.huge, -math.huge
    local function visit(x)
      if type(x) == "number" then
        if x < lo then lo = x end
        if x > hi then hi = x end
      elseif runtime.is_array(x) then
        local f = x:flatten()
        for i = 1, f.size do visit(f[i]) end
      elseif type(x) == "table" then
        for _, y in ipairs(x) do visit(y) end
      end
    end
    visit(v)
    if lo > hi then return "[]" end
    if lo == hi then return num(lo) end
    return ("[%s, %s]"):format(num(lo), num(hi))
  end
  return tostring(v)
end

local NEURON_LOCALITY = {["local"] = "per neuron", global = "per population", semiglobal = "per population"}
local SYNAPSE_LOCALITY = {["local"] = "per synapse", semiglobal = "per post-synaptic neuron",
  global = "per projection"}

local function ctype(t)
  if t == "int" then return "int" end
  if t == "bool" then return "bool" end
  return "double"
end

-- ---- gathering the network's description ------------------------------------------------------

local function statements_of(list)
  local out = {}
  for _, st in ipairs(list or {}) do
    out[#out + 1] = {source = rm.strip_flags(st.source), latex = rm.statement(st.source)}
  end
  return out
end

local function functions_of(model)
  local f = model.functions
  if f == nil then return {} end
  local texts = {}
  if type(f) == "string" then
    local ok, sts = pcall(require("annarchy.compiler.statements").split, f, {object = "report"})
    if ok then for _, st in ipairs(sts) do texts[#texts + 1] = st.source end end
  else
    for _, s in ipairs(f) do texts[#texts + 1] = s end
  end
  local out = {}
  for _, s in ipairs(texts) do out[#out + 1] = {source = rm.strip_flags(s), latex = rm.function_def(s)} end
  return out
end

-- Parameters and equations of an analysed model (implicit attributes and their equations,
-- such as an instantaneous g_exc, are the simulator's business and are left out).
local function describe_model(model, A, kind_of_object, display)
  local loc = kind_of_object == "neuron" and NEURON_LOCALITY or SYNAPSE_LOCALITY
  local d = {model = model, A = A, object = kind_of_object, name = display, kind = A.kind,
             description = model.description, parameters = {}, variables = {}}
  for _, a in ipairs(A.attributes) do
    if a.role == "parameter" and not a.implicit then
      local init = a.init
      if model._defaults and model._defaults[a.name] ~= nil then init = model._defaults[a.name] end
      d.parameters[#d.parameters + 1] = {name = a.name, value = value_text(init), locality = loc[a.locality],
                                         type = ctype(a.type)}
    end
  end
  for _, e in ipairs(A.equations or {}) do
    local a = e.attribute or A.attr[e.target]
    if not (a and a.implicit) then
      local text, flags = rm.strip_flags(e.source)
      local v = {name = e.target, source = text, latex = rm.statement(e.source), ode = e.kind == "ode",
                 method = e.kind == "ode" and e.method or nil, locality = a and loc[a.locality] or "",
                 init = a and value_text(a.init) or "0.0", flags = flags}
      for _, f in ipairs(flags or {}) do
        if f.key == "min" or f.key == "max" then v[f.key] = f.value end
      end
      d.variables[#d.variables + 1] = v
    end
  end
  d.functions = functions_of(model)
  if kind_of_object == "neuron" then
    if type(model.spike) == "string" then
      d.spike = {source = rm.strip_flags(model.spike), latex = rm.condition(model.spike)}
    end
    d.reset = statements_of(A.reset)
    if model.refractory ~= nil then
      d.refractory = type(model.refractory) == "number" and (num(model.refractory) .. " ms") or model.refractory
    end
  else
    if type(model.psp) == "string" then
      d.psp = {source = rm.strip_flags(model.psp), latex = rm.condition(model.psp)}
      d.operation = A.operation or "sum"
    end
    local pre = {}
    for _, st in ipairs(statements_of((A.pre_spike or {}).gtarget)) do pre[#pre + 1] = st end
    for _, st in ipairs(statements_of((A.pre_spike or {}).other)) do pre[#pre + 1] = st end
    d.pre_spike = pre
    d.post_spike = statements_of(A.post_spike)
    for _, what in ipairs{"creating", "pruning"} do
      local c = model[what]
      if c ~= nil then
        local cond = type(c) == "string" and c or c.equation
        d[what] = {source = rm.strip_flags(cond), latex = rm.condition(cond),
                   proba = type(c) == "table" and c.proba or nil}
      end
    end
  end
  return d
end

local function is_default_synapse(s)
  return (s.name == "Rate-coded synapse" and s.psp == "w * pre.r" and s.pre_spike == nil and
          s.equations == nil and s.parameters == nil) or
         (s.name == "Spiking synapse" and s.pre_spike == "g_target += w" and s.psp == nil and
          s.equations == nil and s.parameters == nil and s.post_spike == nil)
end

local CONNECTOR = {
  all_to_all = "All-to-all", one_to_one = "One-to-one",
  from_matrix = "Connectivity matrix", from_sparse = "Sparse connectivity matrix",
  from_function = "User-defined connectivity", from_file = "Connectivity loaded from a file",
  from_matrix_market = "Matrix Market file",
}

local function connector_text(proj)
  local c = proj._.connector
  if not c then return "not connected" end
  local kind = c.kind == "from_lists" and c.label or c.kind
  local parts = {}
  if kind == "fixed_probability" then
    parts[1] = ("Random, probability %s"):format(value_text(c.p))
  elseif kind == "fixed_number_pre" then
    parts[1] = ("Random, %d pre-synaptic neurons per post-synaptic neuron"):format(c.number)
  elseif kind == "fixed_number_post" then
    parts[1] = ("Random, %d post-synaptic neurons per pre-synaptic neuron"):format(c.number)
  elseif kind == "gaussian" then
    parts[1] = ("Gaussian, amplitude %s, sigma %s"):format(value_text(c.amp), value_text(c.sigma))
  elseif kind == "dog" then
    parts[1] = ("Difference of Gaussians, amplitudes %s / %s, sigmas %s / %s"):format(value_text(c.amp),
      value_text(c.amp_neg), value_text(c.sigma), value_text(c.sigma_neg))
  else
    parts[1] = CONNECTOR[kind] or tostring(kind)
  end
  if c.kind ~= "from_lists" and c.kind ~= "gaussian" and c.kind ~= "dog" and c.weights ~= nil then
    parts[#parts + 1] = "weights " .. value_text(c.weights)
  end
  local sp = proj._.special
  if sp and sp.kind == "DecodingProjection" then
    parts[#parts + 1] = ("window %s ms"):format(value_text(sp.window))
  elseif c.delays ~= nil and c.delays ~= 0 and c.kind ~= "from_lists" then
    parts[#parts + 1] = "delays " .. value_text(c.delays) .. " ms"
  elseif c.kind == "from_lists" and c.list_delay_kind and c.list_delay_kind ~= "none" then
    parts[#parts + 1] = c.list_delay_kind == "uniform" and "uniform delays" or "per-synapse delays"
  end
  return table.concat(parts, ", ")
end

local function side_name(pop, ranks)
  if ranks then return pop._.name .. " (subset)" end
  return pop._.name
end

local function monitor_object(m)
  local obj = m.object
  local pop, ranks = population.resolve(obj)
  if pop then return side_name(pop, ranks) end
  if type(obj) == "table" and rawget(obj, "_") then
    local o = obj._
    if o.proj then return ("%s (dendrite %d)"):format(o.proj._.name, o.post_rank or 0) end
    if o.name then return o.name end
  end
  return tostring(obj)
end

--- The description of a network, independent of the output format.
function M.collect(net, gather)
  local info = {dt = net.dt, version = runtime.version(), populations = {}, projections = {},
                monitors = {}, neurons = {}, synapses = {}, constants = {}, functions = {},
                inputs = {}, compiled = net.compiled}
  local neuron_of, synapse_of = {}, {}
  for _, pop in ipairs(net:get_populations()) do
    local model = pop._.neuron
    local d = neuron_of[model]
    if not d then
      d = describe_model(model, pop._.A, "neuron", model.name or ("Neuron " .. (#info.neurons + 1)))
      neuron_of[model] = d
      info.neurons[#info.neurons + 1] = d
    end
    local geo = pop._.geometry
    local size = tostring(pop._.size)
    if #geo > 1 then
      local g = {}
      for i, x in ipairs(geo) do g[i] = tostring(x) end
      size = size .. " (" .. table.concat(g, "*") .. ")"
    end
    local entry = {name = pop._.name, size = size, model = d, pop = pop, parameters = {}}
    for _, a in ipairs(pop._.A.attributes) do
      if a.role == "parameter" and not a.implicit then
        entry.parameters[#entry.parameters + 1] = {name = a.name, value = value_text(pop:get(a.name))}
      end
    end
    info.populations[#info.populations + 1] = entry
    if pop._.custom then info.inputs[#info.inputs + 1] = entry end
  end
  local merged = {}
  for _, proj in ipairs(net:get_projections()) do
    local syn = proj._.synapse
    local key = syn
    if is_default_synapse(syn) then key = "default:" .. syn.name end
    local d = synapse_of[key]
    if not d then
      d = describe_model(syn, proj._.A, "synapse", syn.name or ("Synapse " .. (#info.synapses + 1)))
      d.default = is_default_synapse(syn) and syn.name == "Rate-coded synapse"
      synapse_of[key] = d
      info.synapses[#info.synapses + 1] = d
    end
    local p = proj._
    local entry = {name = p.name, pre = side_name(p.pre, p.pre_ranks0), post = side_name(p.post, p.post_ranks0),
                   target = table.concat(p.targets, " / "), model = d, connector = connector_text(proj),
                   synapses = net.compiled and proj.nb_synapses or nil, proj = proj, parameters = {}}
    for _, a in ipairs(p.A.attributes) do
      if a.role == "parameter" and a.name ~= "w" and not a.implicit then
        entry.parameters[#entry.parameters + 1] = {name = a.name, value = value_text(proj:get(a.name))}
      end
    end
    local mkey = p.pre._.name .. "\0" .. p.post._.name .. "\0" .. entry.target
    local prev = gather and merged[mkey]
    if prev then
      prev.connector = prev.connector .. "; " .. entry.connector
      if prev.synapses and entry.synapses then prev.synapses = prev.synapses + entry.synapses end
      if prev.model ~= d then prev.synapse_names = (prev.synapse_names or prev.model.name) .. ", " .. d.name end
    else
      merged[mkey] = entry
      info.projections[#info.projections + 1] = entry
    end
  end
  for _, m in ipairs(net:get_monitors()) do
    info.monitors[#info.monitors + 1] = {object = monitor_object(m), variables = table.concat(m.variables, ", "),
                                         period = num(m.period) .. " ms", name = m.name}
  end
  for _, c in ipairs(require("annarchy.constants").visible(net)) do
    info.constants[#info.constants + 1] = {name = c.name, value = value_text(c.value)}
  end
  local reg = require("annarchy.functions").registry()
  for _, name in ipairs(reg.list) do
    local r = reg.by_name[name]
    local src = r.source or name
    info.functions[#info.functions + 1] = {name = name, source = rm.strip_flags(src), latex = rm.function_def(src)}
  end
  return info
end

-- ---- Markdown -------------------------------------------------------------------------------

local function md_cell(s) return (tostring(s):gsub("|", "\\|"):gsub("\n", " ")) end

-- A pipe table with every column padded to its longest cell.
local function md_table(header, rows)
  local width = {}
  local all = {header}
  for _, r in ipairs(rows) do all[#all + 1] = r end
  for _, r in ipairs(all) do
    for i, c in ipairs(r) do
      r[i] = md_cell(c)
      width[i] = math.max(width[i] or 3, #r[i])
    end
  end
  local out = {}
  local function line(r)
    local cells = {}
    for i = 1, #header do cells[i] = r[i] .. string.rep(" ", width[i] - #r[i]) end
    out[#out + 1] = "| " .. table.concat(cells, " | ") .. " |"
  end
  line(header)
  local sep = {}
  for i = 1, #header do sep[i] = string.rep("-", width[i]) end
  out[#out + 1] = "|-" .. table.concat(sep, "-|-") .. "-|"
  for i = 2, #all do line(all[i]) end
  return table.concat(out, "\n") .. "\n"
end

local function md_math(latex) return "$$\n" .. latex .. "\n$$\n" end

local function md_statements(out, list)
  for _, st in ipairs(list) do
    out[#out + 1] = ("* `%s`\n\n"):format(st.source)
    out[#out + 1] = md_math(st.latex) .. "\n"
  end
end

local function md_model(out, d)
  out[#out + 1] = ("## %s\n\n"):format(d.name)
  local default = d.object == "neuron" and (d.kind == "spike" and "Spiking neuron." or "Rate-coded neuron.")
    or (d.kind == "spike" and "Spiking synapse." or "Rate-coded synapse.")
  out[#out + 1] = (d.description or default) .. "\n\n"
  out[#out + 1] = "**Parameters:**\n\n"
  if #d.parameters == 0 then
    out[#out + 1] = "$\\emptyset$\n\n"
  else
    local rows = {}
    for _, p in ipairs(d.parameters) do
      rows[#rows + 1] = {"$" .. rm.name(p.name) .. "$ (`" .. p.name .. "`)", p.value, p.locality, p.type}
    end
    out[#out + 1] = md_table({"Name", "Default value", "Locality", "Type"}, rows) .. "\n"
  end
  if #d.variables > 0 then
    out[#out + 1] = "**Equations:**\n\n"
    for _, v in ipairs(d.variables) do
      local bits = {("Variable `%s` : %s, initial value: %s"):format(v.name, v.locality, v.init)}
      if v.min then bits[#bits + 1] = "minimum: " .. v.min end
      if v.max then bits[#bits + 1] = "maximum: " .. v.max end
      if v.method then bits[#bits + 1] = v.method .. " numerical method" end
      out[#out + 1] = "* " .. table.concat(bits, ", ") .. ": `" .. v.source .. "`\n\n"
      out[#out + 1] = md_math(v.latex) .. "\n"
    end
  end
  if d.spike then
    out[#out + 1] = "**Spike emission:**\n\n"
    out[#out + 1] = ("if `%s`\n\n"):format(d.spike.source) .. md_math(d.spike.latex) .. "\n"
    if #d.reset > 0 then
      out[#out + 1] = "then:\n\n"
      md_statements(out, d.reset)
    end
    if d.refractory then out[#out + 1] = ("Refractory period: %s.\n\n"):format(d.refractory) end
  end
  if d.psp then
    if d.kind == "rate" then
      out[#out + 1] = ("**Weighted sum** (operation `%s`):\n\n"):format(d.operation)
    else
      out[#out + 1] = "**Continuous transmission:**\n\n"
    end
    out[#out + 1] = ("`%s`\n\n"):format(d.psp.source) .. md_math(d.psp.latex) .. "\n"
  end
  if d.pre_spike and #d.pre_spike > 0 then
    out[#out + 1] = "**Pre-synaptic event at $t_\\text{pre} + d$:**\n\n"
    md_statements(out, d.pre_spike)
  end
  if d.post_spike and #d.post_spike > 0 then
    out[#out + 1] = "**Post-synaptic event at $t_\\text{post}$:**\n\n"
    md_statements(out, d.post_spike)
  end
  for _, what in ipairs{"creating", "pruning"} do
    local c = d[what]
    if c then
      out[#out + 1] = ("**%s** (probability %s): `%s`\n\n"):format(what == "creating" and "Creating" or "Pruning",
        value_text(c.proba or 1.0), c.source) .. md_math(c.latex) .. "\n"
    end
  end
  if #d.functions > 0 then
    out[#out + 1] = "**Functions:**\n\n"
    md_statements(out, d.functions)
  end
end

local function markdown(info, o)
  local out = {}
  out[#out + 1] = "---\n"
  out[#out + 1] = ("title: %s\n"):format(o.title or "Network description")
  out[#out + 1] = ("author: %s\n"):format(o.author or "ANNarchy (Artificial Neural Networks architect)")
  out[#out + 1] = ("date: %s\n"):format(o.date or "")
  out[#out + 1] = "---\n\n"
  out[#out + 1] = "# Structure of the network\n\n"
  out[#out + 1] = ("* annlua %s (ANNarchy 5.0 for Lua), single-thread C kernels.\n"):format(info.version)
  out[#out + 1] = ("* Numerical step size: %s ms.\n\n"):format(num(info.dt))
  out[#out + 1] = "## Populations\n\n"
  local rows = {}
  for _, p in ipairs(info.populations) do rows[#rows + 1] = {p.name, p.size, p.model.name} end
  out[#out + 1] = md_table({"Population", "Size", "Neuron type"}, rows) .. "\n"
  if #info.projections > 0 then
    out[#out + 1] = "## Projections\n\n"
    rows = {}
    for _, p in ipairs(info.projections) do
      rows[#rows + 1] = {p.pre, p.post, p.target, p.synapse_names or p.model.name, p.connector,
                         p.synapses and tostring(p.synapses) or "(not compiled)"}
    end
    out[#out + 1] = md_table({"Source", "Destination", "Target", "Synapse type", "Pattern", "Synapses"}, rows) .. "\n"
  end
  if #info.monitors > 0 then
    out[#out + 1] = "## Monitors\n\n"
    rows = {}
    for _, m in ipairs(info.monitors) do rows[#rows + 1] = {m.object, m.variables, m.period} end
    out[#out + 1] = md_table({"Object", "Variables", "Period"}, rows) .. "\n"
  end
  if #info.functions > 0 then
    out[#out + 1] = "## Functions\n\n"
    md_statements(out, info.functions)
  end
  out[#out + 1] = "# Neuron models\n\n"
  for _, d in ipairs(info.neurons) do md_model(out, d) end
  local syns = {}
  for _, d in ipairs(info.synapses) do if not d.default then syns[#syns + 1] = d end end
  if #syns > 0 then
    out[#out + 1] = "# Synapse models\n\n"
    for _, d in ipairs(syns) do md_model(out, d) end
  end
  out[#out + 1] = "# Parameters\n\n"
  if #info.constants > 0 then
    out[#out + 1] = "## Constants\n\n"
    rows = {}
    for _, c in ipairs(info.constants) do rows[#rows + 1] = {c.name, c.value} end
    out[#out + 1] = md_table({"Name", "Value"}, rows) .. "\n"
  end
  out[#out + 1] = "## Population parameters\n\n"
  rows = {}
  for _, p in ipairs(info.populations) do
    for _, a in ipairs(p.parameters) do rows[#rows + 1] = {p.name, p.model.name, a.name, a.value} end
  end
  out[#out + 1] = (#rows > 0 and md_table({"Population", "Neuron type", "Name", "Value"}, rows) or "$\\emptyset$\n") .. "\n"
  rows = {}
  for _, p in ipairs(info.projections) do
    for _, a in ipairs(p.parameters) do
      rows[#rows + 1] = {("%s -> %s (%s)"):format(p.pre, p.post, p.target), p.model.name, a.name, a.value}
    end
  end
  if #info.projections > 0 then
    out[#out + 1] = "## Projection parameters\n\n"
    out[#out + 1] = (#rows > 0 and md_table({"Projection", "Synapse type", "Name", "Value"}, rows) or "$\\emptyset$\n") .. "\n"
  end
  return table.concat(out)
end

-- ---- LaTeX ----------------------------------------------------------------------------------

local esc = rm.escape

local PREAMBLE = [[
%% Network description generated by annlua %s (ANNarchy 5.0 for Lua), ann.report().
%% The tables follow Nordlie, Gewaltig & Plesser (2009), "Towards reproducible descriptions of
%% neuronal network models", PLoS Comput Biol 5(8): e1000456.
\documentclass[10pt]{article}
\usepackage[utf8]{inputenc}
\usepackage{tabularx}
\usepackage[fleqn]{amsmath}
\setlength{\oddsidemargin}{0cm}
\setlength{\evensidemargin}{0cm}
\setlength{\textwidth}{16cm}
\setlength{\topmargin}{-1cm}
\setlength{\textheight}{23cm}
\renewcommand{\familydefault}{\sfdefault}
\renewcommand{\arraystretch}{1.3}
\begin{document}
]]

local function tex_header(letter, title, ncols)
  return ("\\hline\n\\multicolumn{%d}{|l|}{\\textbf{%s} \\quad \\textbf{%s}} \\\\\n\\hline\n"):format(
    ncols, letter, esc(title))
end

local function tex_row(cells) return table.concat(cells, " & ") .. " \\\\\n\\hline\n" end

local function tex_math(latex) return "$\\displaystyle " .. latex .. "$" end

local function tex_math_list(list)
  local t = {}
  for _, st in ipairs(list) do t[#t + 1] = tex_math(st.latex) end
  return table.concat(t, " \\newline ")
end

local function tex_table(spec, body)
  return "\\noindent\n\\begin{tabularx}{\\linewidth}{" .. spec .. "}\n" .. body .. "\\end{tabularx}\n\n\\vspace{1em}\n\n"
end

local function tex_model(d, letter)
  local b = {tex_header(letter, (d.object == "neuron" and "Neuron model: " or "Synapse model: ") .. d.name, 2)}
  b[#b + 1] = tex_row{"\\textbf{Type}", d.object == "neuron" and (d.kind == "spike" and "Spiking neuron" or
    "Rate-coded neuron") or (d.kind == "spike" and "Spiking synapse" or "Rate-coded synapse")}
  if d.description then b[#b + 1] = tex_row{"\\textbf{Description}", esc(d.description)} end
  if #d.parameters > 0 then
    local t = {}
    for _, p in ipairs(d.parameters) do
      t[#t + 1] = ("$%s = %s$ (%s)"):format(rm.name(p.name), esc(p.value), p.locality)
    end
    b[#b + 1] = tex_row{"\\textbf{Parameters}", table.concat(t, ", ")}
  end
  if #d.variables > 0 then
    b[#b + 1] = tex_row{d.object == "neuron" and (d.kind == "spike" and "\\textbf{Subthreshold dynamics}" or
      "\\textbf{Equations}") or "\\textbf{Equations}", tex_math_list(d.variables)}
  end
  if d.spike then b[#b + 1] = tex_row{"\\textbf{Spiking}", tex_math(d.spike.latex)} end
  if d.reset and #d.reset > 0 then b[#b + 1] = tex_row{"\\textbf{Reset}", tex_math_list(d.reset)} end
  if d.refractory then b[#b + 1] = tex_row{"\\textbf{Refractory period}", esc(d.refractory)} end
  if d.psp then
    b[#b + 1] = tex_row{d.kind == "rate" and "\\textbf{Weighted sum}" or "\\textbf{Continuous transmission}",
      tex_math(d.psp.latex) .. (d.kind == "rate" and (" (operation " .. esc(d.operation) .. ")") or "")}
  end
  if d.pre_spike and #d.pre_spike > 0 then b[#b + 1] = tex_row{"\\textbf{Pre-synaptic event}", tex_math_list(d.pre_spike)} end
  if d.post_spike and #d.post_spike > 0 then
    b[#b + 1] = tex_row{"\\textbf{Post-synaptic event}", tex_math_list(d.post_spike)}
  end
  for _, what in ipairs{"creating", "pruning"} do
    if d[what] then b[#b + 1] = tex_row{"\\textbf{" .. (what == "creating" and "Creating" or "Pruning") .. "}",
      tex_math(d[what].latex)} end
  end
  if #d.functions > 0 then b[#b + 1] = tex_row{"\\textbf{Functions}", tex_math_list(d.functions)} end
  return tex_table("|p{0.25\\linewidth}|X|", table.concat(b))
end

local function latex(info, o)
  local out = {}
  if o.standalone then
    out[#out + 1] = PREAMBLE:format(info.version)
    if o.title then out[#out + 1] = "\\section*{" .. esc(o.title) .. "}\n" end
    if o.author or o.date then
      out[#out + 1] = esc(o.author or "") .. (o.date and (" \\hfill " .. esc(o.date)) or "") .. "\n\n"
    end
  end
  -- A: summary
  local names, conns, nmodels, plast, inputs, meas = {}, {}, {}, {}, {}, {}
  local seen = {}
  for _, p in ipairs(info.populations) do names[#names + 1] = esc(p.name) end
  for _, p in ipairs(info.projections) do
    local c = p.connector:match("^[^,;]+")
    if not seen[c] then seen[c] = true; conns[#conns + 1] = esc(c) end
  end
  for _, d in ipairs(info.neurons) do
    local input = false
    for _, p in ipairs(info.inputs) do if p.model == d then input = true end end
    if not input then nmodels[#nmodels + 1] = esc(d.name) end
  end
  for _, d in ipairs(info.synapses) do
    if not d.default and d.name ~= "Spiking synapse" then plast[#plast + 1] = esc(d.name) end
  end
  for _, p in ipairs(info.inputs) do inputs[#inputs + 1] = esc(p.model.name) end
  for _, m in ipairs(info.monitors) do meas[#meas + 1] = esc(m.variables .. " of " .. m.object) end
  local function list(t) return #t > 0 and table.concat(t, ", ") or "---" end
  out[#out + 1] = tex_table("|p{0.25\\linewidth}|X|", tex_header("A", "Model summary", 2) ..
    tex_row{"\\textbf{Populations}", list(names)} ..
    tex_row{"\\textbf{Connectivity}", list(conns)} ..
    tex_row{"\\textbf{Neuron models}", list(nmodels)} ..
    tex_row{"\\textbf{Synapse models}", list(plast)} ..
    tex_row{"\\textbf{Input}", list(inputs)} ..
    tex_row{"\\textbf{Measurements}", list(meas)} ..
    tex_row{"\\textbf{Time step}", esc(num(info.dt) .. " ms")})
  -- B: populations
  local b = {tex_header("B", "Populations", 3), tex_row{"\\textbf{Name}", "\\textbf{Elements}", "\\textbf{Size}"}}
  for _, p in ipairs(info.populations) do b[#b + 1] = tex_row{esc(p.name), esc(p.model.name), esc(p.size)} end
  out[#out + 1] = tex_table("|l|X|l|", table.concat(b))
  -- C: connectivity
  if #info.projections > 0 then
    b = {tex_header("C", "Connectivity", 6), tex_row{"\\textbf{Source}", "\\textbf{Destination}", "\\textbf{Target}",
      "\\textbf{Synapse}", "\\textbf{Pattern}", "\\textbf{Synapses}"}}
    for _, p in ipairs(info.projections) do
      b[#b + 1] = tex_row{esc(p.pre), esc(p.post), esc(p.target), esc(p.synapse_names or p.model.name),
        esc(p.connector), p.synapses and tostring(p.synapses) or "---"}
    end
    out[#out + 1] = tex_table("|l|l|l|X|X|r|", table.concat(b))
  end
  -- D, E: models
  for _, d in ipairs(info.neurons) do out[#out + 1] = tex_model(d, "D") end
  for _, d in ipairs(info.synapses) do
    if not d.default then out[#out + 1] = tex_model(d, "E") end
  end
  -- F: parameters
  if #info.constants > 0 then
    b = {tex_header("F", "Constants", 2), tex_row{"\\textbf{Name}", "\\textbf{Value}"}}
    for _, c in ipairs(info.constants) do b[#b + 1] = tex_row{"$" .. rm.name(c.name) .. "$", esc(c.value)} end
    out[#out + 1] = tex_table("|l|X|", table.concat(b))
  end
  if #info.functions > 0 then
    b = {tex_header("G", "Functions", 1)}
    for _, f in ipairs(info.functions) do b[#b + 1] = tex_row{tex_math(f.latex)} end
    out[#out + 1] = tex_table("|X|", table.concat(b))
  end
  b = {tex_header("H", "Population parameters", 3), tex_row{"\\textbf{Population}", "\\textbf{Parameter}",
    "\\textbf{Value}"}}
  for _, p in ipairs(info.populations) do
    for _, a in ipairs(p.parameters) do b[#b + 1] = tex_row{esc(p.name), "$" .. rm.name(a.name) .. "$", esc(a.value)} end
  end
  out[#out + 1] = tex_table("|l|l|X|", table.concat(b))
  if #info.projections > 0 then
    b = {tex_header("H", "Projection parameters", 3), tex_row{"\\textbf{Projection}", "\\textbf{Parameter}",
      "\\textbf{Value}"}}
    for _, p in ipairs(info.projections) do
      for _, a in ipairs(p.parameters) do
        b[#b + 1] = tex_row{esc(p.pre) .. " $\\rightarrow$ " .. esc(p.post) .. " (" .. esc(p.target) .. ")",
          "$" .. rm.name(a.name) .. "$", esc(a.value)}
      end
    end
    out[#out + 1] = tex_table("|l|l|X|", table.concat(b))
  end
  -- G: input; measurements
  b = {tex_header("G", "Input", 2), tex_row{"\\textbf{Type}", "\\textbf{Description}"}}
  if #info.inputs == 0 then
    b[#b + 1] = tex_row{"---", "(to be completed)"}
  else
    for _, p in ipairs(info.inputs) do b[#b + 1] = tex_row{esc(p.model.name), esc("population " .. p.name)} end
  end
  out[#out + 1] = tex_table("|l|X|", table.concat(b))
  b = {tex_header("H", "Measurements", 3), tex_row{"\\textbf{Object}", "\\textbf{Variables}", "\\textbf{Period}"}}
  if #info.monitors == 0 then b[#b + 1] = tex_row{"---", "---", "---"} end
  for _, m in ipairs(info.monitors) do b[#b + 1] = tex_row{esc(m.object), esc(m.variables), esc(m.period)} end
  out[#out + 1] = tex_table("|l|X|l|", table.concat(b))
  if o.standalone then out[#out + 1] = "\\end{document}\n" end
  return table.concat(out)
end

-- ---- the entry point -------------------------------------------------------------------------

local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

--- Writes the description of `net` to `filename` (default "./report.tex"): Markdown for
-- `.md` and `.qmd`, LaTeX for `.tex`; any other extension is an error. Missing directories
-- are created. Returns the text written.
function M.report(...)
  local a = args.parse("report", {"network", "filename", "standalone", "gather_subprojections", "title",
    "author", "date"}, select("#", ...), ...)
  local net = a.network
  local ok = type(net) == "table" and type(rawget(net, "_")) == "table" and net._.pops ~= nil and
    net._.projs ~= nil
  if not ok then
    fail("report(): the first argument must be a Network, got %s", net == nil and "nil" or util.show(net))
  end
  local filename = a.filename or "./report.tex"
  if type(filename) ~= "string" then fail("report(): filename must be a string") end
  local ext = filename:match("%.([%w]+)$")
  ext = ext and ext:lower()
  local format = (ext == "md" or ext == "qmd") and "markdown" or ext == "tex" and "latex" or nil
  if not format then
    fail("report(): the file extension of %q is not supported: use .tex (LaTeX), .md or .qmd (Markdown)", filename)
  end
  for _, k in ipairs{"title", "author", "date"} do
    if a[k] ~= nil and type(a[k]) ~= "string" then fail("report(): %s must be a string", k) end
  end
  local o = {standalone = a.standalone ~= false, title = a.title, author = a.author, date = a.date}
  local info = M.collect(net, a.gather_subprojections == true)
  local text = format == "markdown" and markdown(info, o) or latex(info, o)
  local dir = filename:match("^(.*)/[^/]*$")
  if dir and dir ~= "" and dir ~= "." then
    local probe = io.open(dir .. "/.", "r")
    if probe then probe:close() else os.execute("mkdir -p " .. shell_quote(dir)) end
  end
  io.write(("Generating report in %s\n"):format(filename))
  local f, err = io.open(filename, "w")
  if not f then fail("report(): cannot write %s: %s", filename, tostring(err)) end
  f:write(text)
  f:close()
  return text
end

return M
