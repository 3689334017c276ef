"""Simplified Chinese memo wording, following the project glossary (总处理性能 (TPP), 性能密度（算力密度）,
适用芯片面积, 距阈值余量, 许可例外, 告知函 ...) and written as sentences, not label-by-label translation.
Regulatory text quoted from the rulesets stays in English and is marked 原文.
"""

from __future__ import annotations

from typing import Optional

from workbench.engine.determine import INDETERMINATE_CLASS
from workbench.io.memo.strings import PRECISION, fmt_num, fmt_pct
from workbench.io.memo.strings_en import English
from workbench.wording.labels import CONFIDENCE, FIELDS, METRICS_ZH, POLICIES, REGIME_STATUS, RESULTS


class Chinese(English):
    lang = "zh"
    ANY_THROUGHPUT = "任一精度的稠密算力或厂商申报的 TPP"
    SEP = "、"
    L = {
        **English.L,
        "s_integrity": "完整性信息", "s_history": "附录：备忘录日期不在执行中的规则版本",
        "s_full_text": "附录：截短内容的全文",
        "footer_integrity": "完整性：审计记录第 {seq} 条 {head}…（见第 {n} 节）",
        "criteria_same": "决定结果的判定标准与 {regime} 下相同（见上表）。",
        "caveat_prov_count": "{part}：{n} 项数据来自{level}来源（见第 2 节标注）。",
        "caveat_note_group": "{who}：（原文）{note}",
        "demo_mark": "演示数据 – 不得用于合规决策",
        "modified_banner": "规则已被修改：{ids} 与发布的规则清单不一致；结果并非依据已发布的规则。",
        "integrity_intro": "以下数值准确标明了本备忘录所依据的数据和规则。",
        "rules_current_to": "规则内容截至 {day}（所参考的最新联邦公报文件或指引的日期）。",
        "rules_current_unknown": "规则文件未注明其内容截至的日期。",
        "rules_stale": "警告：今天（{today}）已比规则截至日期晚 {days} 天；依赖本备忘录之前请核查是否有更新的规则。",
        "letters_not_applied": "应要求，本备忘录未适用目录中记录的告知函：许可证要求仅依据各规则版本。",
        "conclusion_intro": "{day}，各项执行中的规则版本下的许可证要求：",
        "conclusion_intro_chosen": "所选各规则版本下的许可证要求：",
        "c_why": "理由",
        "criteria_shown": "仅列出决定结果的判定标准：已满足、距红线 10% 以内或缺少输入的标准；完整判定过程见导出的工作簿。",
        "history_intro": "应要求列出，仅供参考；这些规则版本均不是备忘录日期的法律要求。",
        "full_text_intro": "正文中被截短（以 … 标示）的内容全文如下：",
        "c_kind": "在备忘录日期的状态",
        "no_criteria_close": "没有已满足或距红线 10% 以内的判定标准。",
        "missing_figure": "缺少 {missing}",
        "indeterminate_first": "{product}依据 {regime}：无法判定——{why}。",
        "title": "出口管制分类合规备忘录",
        "memo_id": "备忘录编号", "date": "日期", "company": "公司", "prepared_by": "编制人",
        "reviewed_by": "审核人", "subject": "事由", "destination": "目的地",
        "end_user_hq": "最终用户总部所在地", "regimes": "所依据的管制规则版本", "blank": "____________________",
        "none_given": "未指定（未评估许可证要求）",
        "s_summary": "结论摘要", "s_products": "产品分析", "s_comparison": "各管制规则版本对比",
        "s_letters": "适用的未结告知函", "s_chart": "总处理性能与性能密度分布图",
        "s_citations": "法规依据", "s_caveats": "保留意见与数据说明", "s_signoff": "签署", "s_about": "关于本备忘录",
        "h_specs": "技术参数及来源", "h_calc": "总处理性能 (TPP) 与性能密度的计算过程",
        "h_criteria": "逐项判定标准", "h_exceptions": "可适用的许可例外",
        "c_product": "产品", "c_regime": "管制规则版本", "c_classification": "分类结果",
        "c_licence": "许可证", "c_review": "审查政策", "c_exceptions": "许可例外",
        "c_field": "参数", "c_value": "数值", "c_source": "来源", "c_confidence": "可信度",
        "c_precision": "精度", "c_throughput": "稠密算力", "c_bits": "位长",
        "c_product_bits": "算力 × 位长", "c_rule": "条款", "c_criterion": "判定标准",
        "c_threshold": "阈值", "c_result": "结果", "c_margin": "距阈值余量", "c_margin_pct": "余量 %",
        "c_letter": "告知函", "c_received": "收到日期", "c_status": "状态", "c_summary": "内容摘要",
        "c_products": "涉及产品", "c_destinations": "涉及目的地",
        "lic_required": "需要许可证", "lic_not_required": "无需许可证",
        "lic_not_evaluated": "未评估", "lic_undecided": "暂无法判定",
        "no_exceptions_any": "在所依据的各管制规则版本下，上述产品出口至该目的地均不适用任何许可例外。",
        "no_exceptions": "在所依据的各管制规则版本下，本产品{where}不适用任何许可例外。",
        "exceptions_need_destination": "只有指定目的地后才评估许可例外。",
        "no_letters": "产品目录中未记录适用于上述产品{where}的未结告知函（is-informed letter）。",
        "letters_intro": "以下未结告知函点名了上述产品，在法规之外另行设定了许可证要求：",
        "imported_note": "导入自 {where} 第 {row} 行，{day}（审计条目 #{seq}）",
        "record_source": "产品记录的来源：{source}",
        "record_notes": "备注：{notes}",
        "no_throughput": "未记录任何算力数据，无法按精度计算 TPP。",
        "comparison_intro": "下表列出各产品在每个管制规则版本下的结论（分类 / 许可证 / 审查政策 / 许可例外）。底色标出的单元格与左侧版本的结论不同。",
        "comparison_single": "本备忘录只依据一个管制规则版本，无需对比。",
        "chart_intro": "图中每个点代表一个产品，本备忘录涉及的产品以红色标出{numbered}，灰色点为产品目录中的其他产品。虚线为所依据各版本规则中的 TPP 阈值与性能密度阈值。两轴均为对数刻度；无性能密度的产品（平面工艺或数据缺失）画在横轴下方的条带内。",
        "chart_numbered": "，编号与图下图例一致",
        "chart_pd_na": "无 PD",
        "chart_x": "总处理性能 TPP（位长 × 稠密 TOPS）", "chart_y": "性能密度（每 mm² 的 TPP）",
        "caveat_prov": "{part}：以下数据来自{level}来源：{fields}。",
        "caveat_unsourced": "{part}：以下数据未记录逐项来源：{fields}。",
        "caveat_rule": "依据 {regime} 所作的分类，其条文可信度为「{level}」（{rules}），依赖本结论前请对照《联邦公报》或 eCFR 原文核实。",
        "caveat_status": "{regime}：状态为「{status}」{enforced}，依据这些版本得出的结果仅供对比，不代表现行法律状态。",
        "caveat_draft": "{regime}：为假设性草案，并非正式法规。",
        "caveat_missing": "{part}（{regime}）：无法判定（缺少输入），缺少 {missing}。",
        "caveat_note": "{part}（{regime}）：{note}",
        "caveat_interpretations": "规则引擎采用的解释（对所有判定相同，原文为英文）：",
        "caveat_general": "本备忘录记录的是规则引擎依据产品目录数据得出的结论，不构成法律意见；标注为「二手」或「未核实」的数据与条文，应在作出出口决定前予以核实。",
        "not_enforced": "，暂停执法",
        "sign_intro": "本人已审阅上述技术参数、计算过程与各项判定标准，同意本备忘录记载的分类结果与许可证结论。",
        "sign_name": "姓名", "sign_signature": "签字", "sign_date": "日期",
        "about_app": "本备忘录由出口管制合规工作台 {version} 于 {ts}（UTC）生成。",
        "about_db": "产品目录数据库：{path}",
        "about_audit": "生成时审计追踪的最新记录：第 {seq} 条，SHA-256 为 {hash}。此后对目录的任何修改都会追加到审计日志中，因此该值标明了本备忘录所用数据的时点。",
        "about_font": "中文字体：{font}。",
        "about_rulesets": "规则文件（版本编号及文件的 SHA-256）：",
        "about_countries": "国家组数据 SHA-256：{sha}",
        "about_rules_in_use": "所用规则：{rules}。",
        "about_screening": "交易方筛查：综合筛查清单（CSL）{day} 快照（{entries} 个条目，文件 SHA-256 {sha}）。",
        "about_screening_none": "交易方筛查：本产品目录尚未载入综合筛查清单（CSL）快照，未筛查任何交易方。",
        "footer_rulesets": "规则文件 (SHA-256)", "footer_audit": "审计追踪最新记录", "footer_countries": "国家组数据",
        "page": "第 {x} 页，共 {y} 页",
        "evaluated_on": "评估日期 {day}",
        "licence_line": "许可证要求：{text}",
        "conditions": "条件（原文）", "notification": "须提前 {days} 天通知 BIS。",
        "quantity": "数量上限：每{period} TPP 合计 {limit}。",
        "key": "图例",
        "rule_results": "各条款结果：",
        "missing_input": "缺少输入：",
        "effective": "生效日期", "addressee": "收函方", "legal_basis": "法律依据（原文）",
        "letter_reason": "适用理由（原文）",
        "letter_binds": "此外，告知函 {refs} 对本产品另行设定了许可证要求（见第 4 节）。",
        "letter_may": "告知函 {refs} 也可能适用于本产品（见第 4 节）。",
    }
    FIELDS = FIELDS["zh"]
    PRODUCT_TYPES = {"ic": "集成电路", "board": "板卡或模组", "server": "服务器或整机系统", "hbm": "高带宽存储器 (HBM)",
                     "model_weights": "模型权重"}
    RESULTS = RESULTS["zh"]
    POLICIES = POLICIES["zh"]
    CONFIDENCE = CONFIDENCE["zh"]
    STATUS = REGIME_STATUS["zh"]
    METRICS = METRICS_ZH
    REGIMES = {
        "us-ear-2022-10": "2022年10月先进计算规则",
        "us-ear-2023-10": "2023年10月先进计算规则",
        "us-ear-2024-12-hbm": "2024年12月高带宽存储器 (HBM) 规则",
        "us-ai-diffusion-2025-01": "2025年1月人工智能扩散规则",
        "us-foundry-2025-01": "2025年1月晶圆代工尽职调查规则",
        "us-proposed-2025-04": "2025年4月传闻中的修订方案（拟议）",
        "us-enforced-2025-05": "2025年5月起实际执行的规则",
        "us-h200-2026-01": "2026年1月 H200 逐案审查规则",
        "us-d5hq-guidance-2026-05": "2026年5月关于 D:5/澳门总部实体的 BIS 指引",
    }

    LETTER_RESULTS = {"binds": "适用", "may bind": "可能适用", "does not bind": "不适用"}

    def yes_no(self, value: Optional[bool]) -> str:
        return {True: "是", False: "否", None: "未知"}[value]

    def short(self, criterion) -> str:
        return self.metric(criterion)

    def metric(self, criterion) -> str:
        return self.METRICS.get(criterion.metric, criterion.label or criterion.metric)

    def value(self, field: str, value: object) -> str:
        if field == "tpp_basis" and value is not None:
            return {"computed": "按算力计算", "declared": "厂商申报"}.get(str(value), str(value))
        if value is None:
            return "未知"
        return super().value(field, value)

    def regime(self, loaded) -> str:
        return self.REGIMES.get(loaded.id, loaded.regime.title)

    def place(self, iso2: Optional[str], name_en: Optional[str], name_zh: Optional[str]) -> str:
        if not iso2:
            return ""
        return f"{name_zh or name_en}（{iso2}）"

    def product(self, spec) -> str:
        name = " ".join(x for x in (spec.vendor, spec.name) if x) if spec.name else ""
        return f"{name}（料号 {spec.part_number}）" if name else f"料号 {spec.part_number}"

    def subject(self, n_products: int, n_regimes: int, dest: str) -> str:
        where = f"及出口至{dest}的许可证要求" if dest else ""
        return f"{n_products} 项产品依据《出口管理条例》(EAR) {n_regimes} 个管制规则版本的出口管制分类编号 (ECCN) 判定{where}"

    def summary_intro(self, n_products: int, n_regimes: int, dest: str) -> str:
        text = (f"本备忘录记录了 {n_products} 项产品依据美国《出口管理条例》(EAR) 中先进计算出口管制的 "
                f"{n_regimes} 个管制规则版本所作的分类判定，并逐一列出每项结论背后的计算过程和判定标准。")
        if dest:
            text += f"许可证要求按出口至{dest}评估。"
        else:
            text += "由于未指定目的地，本备忘录不评估许可证要求。"
        return text

    def classification(self, det) -> str:
        if det.classification == INDETERMINATE_CLASS:
            return "无法判定（可能为 " + " 或 ".join(self._candidate(c) for c in det.candidates) + "）"
        if not det.controlled:
            shown = det.paragraph or ""
            return "不受 3A090/4A090 管制" if not shown or shown.startswith("not") else f"不受 3A090/4A090 管制（{shown}）"
        return det.paragraph or det.classification

    @staticmethod
    def _candidate(paragraph: str) -> str:
        """A candidate paragraph; the engine's "not 3A090/4A090" is said in Chinese, ECCNs stay."""
        return f"不受 {paragraph[4:]} 管制" if paragraph.startswith("not ") else paragraph

    def conclusions_intro(self, regime_id: str, regime_name: str) -> str:
        return f"以下结论依据所选版本中最新的现行规则，即{regime_name}（{regime_id}）："

    def under(self, regime_ids) -> str:
        return "依据 " + "、".join(regime_ids) + "："

    def conclusion(self, product: str, det, regime_name: str, dest: str, with_regime: bool = True,
                   position=None) -> str:
        head = f"依据{regime_name}（{det.regime}），{product}" if with_regime else product
        if det.classification == INDETERMINATE_CLASS:
            head += (f"目前无法判定分类：可能属于 {' 或 '.join(self._candidate(c) for c in det.candidates)}，"
                     f"须补充 {self.missing(det.missing) or '相关输入'} 后方可判定。")
        elif det.controlled:
            met = self._met(det)
            head += f"归类为 {det.paragraph}"
            head += ("，因为" + "，且".join(met) + "。") if met else "。"
        else:
            head += self.classification(det)
            n = det.nearest
            if n is not None and n.margin_pct is not None:
                side = "高于" if (n.margin or 0) >= 0 else "低于"
                head += (f"；最接近的红线是{self.metric(n)}：{fmt_num(n.value)}，"
                         f"{side}阈值 {fmt_num(n.threshold)} 达 {abs(n.margin_pct):.1f}%。")
            else:
                head += "。"
        return head + self.licence_sentence(det, dest, position)

    def licence_sentence(self, det, dest: str, position=None) -> str:
        binding = tuple(getattr(position, "binding", ()) or ())
        maybe = tuple(getattr(position, "maybe", ()) or ())
        required = position.license_required if position is not None else det.license_required
        refs = "、".join(binding)
        if binding and det.license_required is not True:
            return (f"该版本规则本身不要求出口至{dest}申领许可证，但告知函 {refs} 要求申领（见第 4 节）：需要许可证。"
                    if dest else f"告知函 {refs} 要求申领许可证（见第 4 节）。")
        text = ""
        if dest and required is True:
            text += f"出口至{dest}需要许可证"
            text += f"，审查政策为{self.policy(det.review_policy)}" if det.review_policy else ""
            if det.license_exceptions:
                text += "；可适用的许可例外为" + "、".join(e.id for e in det.license_exceptions) + "。"
            else:
                text += "，且不适用任何许可例外。"
            if binding:
                text += f"告知函 {refs} 也要求申领许可证（见第 4 节）。"
        elif dest and required is False:
            text += f"依据该版本规则，出口至{dest}无需许可证。"
        elif dest and maybe:
            text += f"告知函 {'、'.join(maybe)} 可能适用（见第 4 节）：在确认之前，许可证要求无法判定。"
        elif dest:
            text += "在补齐缺失数据之前，无法判定是否需要许可证。"
        return text

    def _met(self, det) -> list[str]:
        rule = next((r for r in det.rules if r.paragraph == det.paragraph and r.result == "met"), None)
        if rule is None:
            return []
        words = {">=": "达到或超过", ">": "超过", "<": "低于", "<=": "不超过", "==": "等于", "!=": "不等于"}
        return [f"其{self.metric(c)}为 {fmt_num(c.value)}，{words.get(c.op, c.op)}阈值 {fmt_num(c.threshold)}"
                f"（余量 {fmt_pct(c.margin_pct)}）"
                for c in det.criteria if c.id == rule.id and c.result == "met" and c.margin is not None]

    def tpp_line(self, metrics, precision_label: str, figure: float, bits: int) -> str:
        return (f"TPP 取各精度下“稠密算力 × 位长”的最大值：{precision_label} {fmt_num(figure)} × {bits} 位 "
                f"= {fmt_num(metrics.tpp_computed)}。")

    def tpp_declared(self, declared: float, discrepancy: Optional[float], basis: str, used: Optional[float]) -> str:
        text = f"厂商申报的 TPP 为 {fmt_num(declared)}"
        if discrepancy is not None:
            text += f"（与计算值相差 {discrepancy:+.1f}%）"
        basis_zh = {"computed": "计算值", "declared": "申报值"}.get(basis, basis)
        return text + f"；判定采用{basis_zh} {fmt_num(used)}。"

    def tpp_missing(self) -> str:
        return "无法计算 TPP：既没有稠密算力数据，也没有厂商申报的 TPP。"

    def pd_line(self, tpp: float, area: float, pd: float) -> str:
        return f"性能密度 = TPP ÷ 适用芯片面积 = {fmt_num(tpp)} ÷ {fmt_num(area)} mm² = {fmt_num(pd, 2)}。"

    def pd_na(self, why: str) -> str:
        reason = "平面工艺的逻辑芯片没有适用芯片面积" if "planar" in why else why
        return f"性能密度不适用：{reason}。"

    def pd_missing(self, fields: list[str]) -> str:
        return "无法计算性能密度：缺少 " + self.missing(fields) + "。"

    def regime_heading(self, det, loaded) -> str:
        return f"{det.regime} — {self.regime(loaded)}（{self.L['evaluated_on'].format(day=self.day(det.as_of))}）"

    def licence_detail(self, det, position=None, conditions: bool = True) -> str:
        from workbench.wording import licence_reasons, licence_text

        pos = position if position is not None else det
        parts = [licence_text(pos, "zh")]
        policy = getattr(pos, "review_policy", det.review_policy)
        if policy:
            parts.append(f"审查政策：{self.policy(policy)}")
        text = "；".join(parts) + "。"
        reasons = licence_reasons(pos, "zh", letters_in_full=False)
        if reasons:
            text += "依据：" + "".join(r if r.endswith(("。", "]")) else r + "。" for r in reasons)
        if det.review_conditions and conditions:
            text += " 审批条件（法规原文）：" + "; ".join(det.review_conditions)
        elif det.review_conditions:
            text += " 审批条件同上（法规原文）。"
        return text
