// Package planparse turns an imported policy plan document (实施方案) into
// domains → numbered measures → quantified targets, with the lead unit
// (牵头单位) and responsible units (责任单位) of each. It has pure functions
// only: no database, no mutable package state.
//
// # Input
//
// Decode turns uploaded bytes into UTF-8 text: UTF-8 (with or without a BOM,
// a character cut off at the very end is dropped with a warning), UTF-16 with
// a BOM, and GB18030/GBK, which is converted with a warning. Empty, binary and
// undecodable uploads are refused with ErrEmpty, ErrBinary and ErrEncoding;
// MessageKey maps those errors (and ErrNoStructure) to catalog keys.
//
// # Normalisation
//
// Parse first runs Normalize, and every offset (Domain.Start/End,
// Measure.Start/End) counts runes of its output. Full-width and ASCII forms
// of （）：，；．％ are equally common in these documents, so full-width ASCII
// (U+FF01–U+FF5E, including digits) is folded to ASCII: the parser and the
// output see "(一)", "1.", "牵头单位:" and "93%". The ideographic 、。 and
// “” stay as they are, and 【】［］〖〗﹝﹞ become 〔〕. Line ends become "\n",
// odd spaces become ' ', runs of spaces and of blank lines collapse, and
// invisible characters are dropped.
//
// # Grammar
//
// A document follows the outline of Chinese official documents: sections
// 一、 > (一) > 1. (or 1、). A label counts only at the start of a block (the
// text or a line start, or after 。;:!?, 〕 or a unit bracket; also right
// after a higher heading with no punctuation, as in "二、主要任务(一)…") and
// only when it carries the next expected number of its level: 1 after a
// higher label, else the previous number + 1, or the last number + 1 of the
// level across the document, for measures numbered continuously. This tells
// the measure label in "11.121人才梯队项目" from decimals such as "1.2%" or
// "13.5万人", and "二、三级医院" from a section.
//
// Domains and measures are the first of these level pairs that has a block
// with children: (一) with 1. measures (the usual shape), 一、 with (一)
// measures, or 一、 with 1. measures. A block is a domain when it has
// measures or a unit bracket; (一)–(四) under 二、总体要求 list principles
// and have neither. When some domains carry unit brackets, a bracket-less
// block (a closing 保障措施 with numbered items) is left out with a warning,
// unless it is the last and the text stops inside it.
//
// A domain is its label, a title (up to the first 。;:!? or line end), a goal
// (the text before measure 1) and its measures. A measure's text runs to the
// next label of its level or higher; sub-items such as 一是…二是… or (1)
// stay inside it.
//
// # Units
//
// A unit bracket is a 〔…〕 or (…) that starts with a label — 牵头单位 or
// 牵头部门 (lead); 责任单位, 责任部门, 配合单位, 协办单位 and the like
// (responsible) — followed by a colon, with "," or ";" between the parts; or
// an unlabelled list ending in 负责 (the first unit leads), or "A牵头,B配合".
// Document numbers such as 〔2012〕 do not qualify. Lists are split on 、 , ;
// and spaces outside parentheses, on 和/及 only between two complete unit
// names, and 等 is trimmed; collective names such as 各市(区)政府 and
// 各有关区、县级市 stay whole. A bracket belongs to the domain when it sits in
// the domain header or ends the domain's last measure, unless the document
// puts a bracket after each measure; a measure's units are its own bracket's,
// else its domain's. A document that stops mid-sentence is kept, with a
// warning.
//
// # Targets
//
// A target is a number with a unit (%, ‰, /10万, 岁, 万人, 名, 个, 元, 倍,
// 平方米, 标台, …) in a measure's text, with a comparison: 达到/达/以上/
// 不低于/≥ → ">=", 超过 → ">", 以下/以内/控制在/降低到 → "<=", 低于 → "<",
// 左右 → "~", and "=" for bare values and 100%. Its indicator is the noun
// phrase before the comparison, trimmed of time phrases (到2015年),
// enumerators (一是, 其中) and modal words (实现, 力争, 基本); a value that
// leads its noun phrase (90%以上的乡镇…, 建立20个…基地) takes the phrase after
// it. Its year is the nearest year in the same sentence, else the plan
// horizon. Years, durations (20分钟), numbers in names (500米覆盖率, 80岁以上
// 高龄津贴) and physical descriptions (3000平方米以上的广场) are not targets:
// the parser prefers precision to recall.
package planparse
