<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<!-- Simplified Chinese UI text. Terms follow shared/reference/glossary.md. Edit with pyside6-linguist. -->
<context>
    <name>Workbench</name>
    <message>
        <source>Near a line</source>
        <translation>接近红线</translation>
    </message>
    <message>
        <source>All vendors</source>
        <translation>全部厂商</translation>
    </message>
    <message>
        <source>All classifications</source>
        <translation>全部分类</translation>
    </message>
    <message>
        <source>All product lines</source>
        <translation>全部产品线</translation>
    </message>
    <message>
        <source>Search part number, vendor or name</source>
        <translation>搜索料号、厂商或名称</translation>
    </message>
    <message>
        <source>Vendor</source>
        <translation>厂商</translation>
    </message>
    <message>
        <source>Classification</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Product line</source>
        <translation>产品线</translation>
    </message>
    <message>
        <source>%1 of %2 products</source>
        <translation>%1 / %2 个产品</translation>
    </message>
    <message>
        <source>As codified</source>
        <translation>按法规文本（已编入法规）</translation>
    </message>
    <message>
        <source>As enforced</source>
        <translation>按实际执法</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Only changed</source>
        <translation>仅显示有变化的</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>no destination</source>
        <translation>无目的地</translation>
    </message>
    <message>
        <source>Transition</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>From → to</source>
        <translation>从 → 到</translation>
    </message>
    <message>
        <source>Products</source>
        <translation>产品数</translation>
    </message>
    <message>
        <source>Regimes to compare (in order)</source>
        <translation>要比较的管制规则版本（按顺序）</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>目的地</translation>
    </message>
    <message>
        <source>Pick two or more regimes.</source>
        <translation>请至少选择两个管制规则版本。</translation>
    </message>
    <message>
        <source>Export comparison</source>
        <translation>导出比较结果</translation>
    </message>
    <message>
        <source>as enforced</source>
        <translation>按实际执法</translation>
    </message>
    <message>
        <source>%1 of %2 products change position (destination: %3).</source>
        <translation>%2 个产品中有 %1 个的管制地位发生变化（目的地：%3）。</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Near a line within</source>
        <translation>接近红线的范围</translation>
    </message>
    <message>
        <source>About the workbench</source>
        <translation>关于本工作台</translation>
    </message>
    <message>
        <source>Catalog</source>
        <translation>产品目录</translation>
    </message>
    <message>
        <source>Regime</source>
        <translation>管制规则版本</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Export-control compliance workbench</source>
        <translation>出口管制合规工作台</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>Something went wrong; the error was logged and the workbench keeps running.</source>
        <translation>出现错误；错误已记录，工作台继续运行。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Importing… (Cancel rolls everything back)</source>
        <translation>正在导入…（取消将全部回滚）</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Cancelled: nothing was imported.</source>
        <translation>已取消：未导入任何内容。</translation>
    </message>
    <message>
        <source>Import products</source>
        <translation>导入产品</translation>
    </message>
    <message>
        <source>column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>ignored column</source>
        <translation>忽略的列</translation>
    </message>
    <message>
        <source>add</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>change</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>What</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Column / part number</source>
        <translation>列 / 料号</translation>
    </message>
    <message>
        <source>Template field / change</source>
        <translation>模板字段 / 修改内容</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Reading and checking %1…</source>
        <translation>正在读取并检查 %1…</translation>
    </message>
    <message>
        <source>Cell</source>
        <translation>单元格</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Import failed: %1</source>
        <translation>导入失败：%1</translation>
    </message>
    <message>
        <source>%1 problems: nothing can be imported until they are fixed.</source>
        <translation>%1 个问题：修正之前无法导入任何内容。</translation>
    </message>
    <message>
        <source>Imported: %1 added, %2 changed, %3 audit rows.</source>
        <translation>已导入：新增 %1 个，修改 %2 个，审计追踪记录 %3 条。</translation>
    </message>
    <message>
        <source>%1 new, %2 changed, %3 unchanged products. Nothing is written until you press Import.</source>
        <translation>新增 %1 个、修改 %2 个、未变 %3 个产品。按“导入”之前不会写入任何内容。</translation>
    </message>
    <message>
        <source>Loading the catalog…</source>
        <translation>正在加载产品目录…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Import products…</source>
        <translation>导入产品…</translation>
    </message>
    <message>
        <source>Export comparison (CSV)…</source>
        <translation>导出比较结果 (CSV)…</translation>
    </message>
    <message>
        <source>Export map (PNG)…</source>
        <translation>导出分布图 (PNG)…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Find product</source>
        <translation>查找产品</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>产品</translation>
    </message>
    <message>
        <source>Compare regimes</source>
        <translation>比较管制规则版本</translation>
    </message>
    <message>
        <source>Red-line proximity</source>
        <translation>红线临近</translation>
    </message>
    <message>
        <source>TPP × PD map</source>
        <translation>TPP × PD 分布图</translation>
    </message>
    <message>
        <source>What-if</source>
        <translation>假设分析</translation>
    </message>
    <message>
        <source>Run comparison</source>
        <translation>运行比较</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>设置(&amp;S)</translation>
    </message>
    <message>
        <source>Preferences…</source>
        <translation>首选项…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>Classifying %p%</source>
        <translation>正在分类 %p%</translation>
    </message>
    <message>
        <source>Product sheets (*.xlsx *.csv)</source>
        <translation>产品表 (*.xlsx *.csv)</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>DRAFT: a what-if copy, not a real regime</source>
        <translation>草稿：假设分析副本，并非真实的管制规则版本</translation>
    </message>
    <message>
        <source>not enforced</source>
        <translation>暂停执法</translation>
    </message>
    <message>
        <source>%1 products in %2</source>
        <translation>%2 中有 %1 个产品</translation>
    </message>
    <message>
        <source>Total processing performance (TPP), log scale</source>
        <translation>总处理性能 (TPP)，对数坐标</translation>
    </message>
    <message>
        <source>Performance density (PD)</source>
        <translation>性能密度 (PD)</translation>
    </message>
    <message>
        <source>Export PNG…</source>
        <translation>导出 PNG…</translation>
    </message>
    <message>
        <source>Controlled</source>
        <translation>受管制</translation>
    </message>
    <message>
        <source>Not controlled</source>
        <translation>不受管制</translation>
    </message>
    <message>
        <source>Indeterminate (missing inputs)</source>
        <translation>无法判定（缺少输入）</translation>
    </message>
    <message>
        <source>Export map</source>
        <translation>导出分布图</translation>
    </message>
    <message>
        <source>2026 case-by-case window</source>
        <translation>2026 年逐案审查窗口</translation>
    </message>
    <message>
        <source>Regions drawn from the thresholds of %1. Products without a performance density (planar or die area unknown) sit on the PD = 0 line: %2.</source>
        <translation>区域按 %1 的阈值绘制。没有性能密度的产品（平面工艺或芯片面积未知）位于 PD = 0 线上：%2 个。</translation>
    </message>
    <message>
        <source>Part number</source>
        <translation>料号</translation>
    </message>
    <message>
        <source>TPP</source>
        <translation>TPP</translation>
    </message>
    <message>
        <source>PD</source>
        <translation>PD</translation>
    </message>
    <message>
        <source>Total processing performance (TPP)</source>
        <translation>总处理性能 (TPP)</translation>
    </message>
    <message>
        <source>Performance density (PD): TPP per mm² of applicable die area</source>
        <translation>性能密度 (PD)：每平方毫米适用芯片面积的 TPP</translation>
    </message>
    <message>
        <source>DRAM bandwidth (GB/s)</source>
        <translation>显存带宽 (GB/s)</translation>
    </message>
    <message>
        <source>Margin to nearest threshold</source>
        <translation>距最近阈值余量</translation>
    </message>
    <message>
        <source>Nearest threshold</source>
        <translation>最近的阈值</translation>
    </message>
    <message>
        <source>Margin</source>
        <translation>距阈值余量</translation>
    </message>
    <message>
        <source>Select a product in the catalog.</source>
        <translation>请在产品目录中选择一个产品。</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Regime / criterion</source>
        <translation>管制规则版本 / 判定条件</translation>
    </message>
    <message>
        <source>Classification / metric</source>
        <translation>分类 / 指标</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>Citation</source>
        <translation>出处</translation>
    </message>
    <message>
        <source>Specifications and sources (double-click a value to edit it)</source>
        <translation>规格及来源（双击数值可编辑）</translation>
    </message>
    <message>
        <source>Determination under each regime</source>
        <translation>各管制规则版本下的判定</translation>
    </message>
    <message>
        <source>Value refused</source>
        <translation>数值被拒绝</translation>
    </message>
    <message>
        <source>Undo refused</source>
        <translation>撤销被拒绝</translation>
    </message>
    <message>
        <source>Edit %1 of %2</source>
        <translation>编辑 %2 的 %1</translation>
    </message>
    <message>
        <source>Within</source>
        <translation>在</translation>
    </message>
    <message>
        <source>of a threshold</source>
        <translation>阈值范围内</translation>
    </message>
    <message>
        <source>%1 products near a line of %2, nearest first.</source>
        <translation>%1 个产品接近 %2 的红线，按距离由近到远排列。</translation>
    </message>
    <message>
        <source>Duplicate as draft</source>
        <translation>复制为草稿</translation>
    </message>
    <message>
        <source>No draft yet: pick a regime and duplicate it.</source>
        <translation>尚无草稿：请选择一个管制规则版本并复制。</translation>
    </message>
    <message>
        <source>Classifying…</source>
        <translation>正在分类…</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Base regime</source>
        <translation>基准管制规则版本</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Thresholds of the draft (edit a number)</source>
        <translation>草稿的阈值（可编辑数值）</translation>
    </message>
    <message>
        <source>A threshold must be a number.</source>
        <translation>阈值必须是数字。</translation>
    </message>
    <message>
        <source>DRAFT %1 (a what-if copy of %2, status proposed; not a real regime). Saved to %3</source>
        <translation>草稿 %1（%2 的假设分析副本，状态：拟议；并非真实的管制规则版本）。已保存至 %3</translation>
    </message>
    <message>
        <source>%1 products flip between %2 and %3.</source>
        <translation>%1 个产品在 %2 与 %3 之间发生变化。</translation>
    </message>
    <message>
        <source>(no destination)</source>
        <translation>（无目的地）</translation>
    </message>
    <message>
        <source>Copy selected rows</source>
        <translation>复制所选行</translation>
    </message>
    <message>
        <source>Open draft</source>
        <translation>打开草稿</translation>
    </message>
    <message>
        <source>DRAFT: drag a threshold line to move it.</source>
        <translation>草稿：可拖动阈值线进行调整。</translation>
    </message>
    <message>
        <source>indeterminate</source>
        <translation>无法判定（缺少输入）</translation>
    </message>
    <message>
        <source>Saved drafts</source>
        <translation>已保存的草稿</translation>
    </message>
    <message>
        <source>proposed</source>
        <translation>拟议</translation>
    </message>
    <message>
        <source>announced</source>
        <translation>已宣布</translation>
    </message>
    <message>
        <source>codified</source>
        <translation>已编入法规</translation>
    </message>
    <message>
        <source>enforced</source>
        <translation>执行中</translation>
    </message>
    <message>
        <source>suspended</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>rescinded</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <source>superseded</source>
        <translation>已被取代</translation>
    </message>
    <message>
        <source>Write memo for selection…</source>
        <translation>为所选产品撰写合规备忘录…</translation>
    </message>
    <message>
        <source>Export workbook…</source>
        <translation>导出工作簿…</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>忙碌中</translation>
    </message>
    <message>
        <source>A report is still being written.</source>
        <translation>仍在生成报告。</translation>
    </message>
    <message>
        <source>Writing %1…</source>
        <translation>正在写入 %1…</translation>
    </message>
    <message>
        <source>Write memo</source>
        <translation>撰写合规备忘录</translation>
    </message>
    <message>
        <source>Select one or more products in the catalog first.</source>
        <translation>请先在产品目录中选择一个或多个产品。</translation>
    </message>
    <message>
        <source>Write memo for selection</source>
        <translation>为所选产品撰写合规备忘录</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Memo</source>
        <translation>合规备忘录</translation>
    </message>
    <message>
        <source>Export workbook</source>
        <translation>导出工作簿</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Workbook</source>
        <translation>工作簿</translation>
    </message>
    <message>
        <source>Written: %1</source>
        <translation>已写入：%1</translation>
    </message>
    <message>
        <source>Not written: %1</source>
        <translation>未写入：%1</translation>
    </message>
    <message>
        <source>Cancelled: nothing was written</source>
        <translation>已取消：未写入任何文件</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Addressee</source>
        <translation>收函方</translation>
    </message>
    <message>
        <source>Next deadline</source>
        <translation>下一截止日期</translation>
    </message>
    <message>
        <source>Products covered</source>
        <translation>涵盖的产品</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <source>%1 days</source>
        <translation>%1 天</translation>
    </message>
    <message>
        <source>Add letter from JSON…</source>
        <translation>从 JSON 添加告知函…</translation>
    </message>
    <message>
        <source>Close letter</source>
        <translation>关闭告知函</translation>
    </message>
    <message>
        <source>Letters could not be read: %1</source>
        <translation>无法读取告知函：%1</translation>
    </message>
    <message>
        <source>Letters</source>
        <translation>告知函</translation>
    </message>
    <message>
        <source>%1 deadlines due in the next 30 days</source>
        <translation>未来 30 天内到期的截止日期：%1</translation>
    </message>
    <message>
        <source>%1 overdue</source>
        <translation>已逾期：%1</translation>
    </message>
    <message>
        <source>Add letter from JSON</source>
        <translation>从 JSON 添加告知函</translation>
    </message>
    <message>
        <source>Letter files (*.json)</source>
        <translation>告知函文件 (*.json)</translation>
    </message>
    <message>
        <source>Letter not added</source>
        <translation>未添加告知函</translation>
    </message>
    <message>
        <source>Select a letter first.</source>
        <translation>请先选择一封告知函。</translation>
    </message>
    <message>
        <source>Close letter %1? A closed letter no longer binds any product and cannot be re-opened.</source>
        <translation>关闭告知函 %1？关闭后该函不再约束任何产品，且无法重新打开。</translation>
    </message>
    <message>
        <source>Letter not closed</source>
        <translation>未关闭告知函</translation>
    </message>
    <message>
        <source>licence required under letter %1</source>
        <translation>依告知函 %1 需要许可证</translation>
    </message>
    <message>
        <source>Include regime history in memos</source>
        <translation>在备忘录中附上规则版本沿革</translation>
    </message>
    <message>
        <source>received</source>
        <translation>已收到</translation>
    </message>
    <message>
        <source>under review</source>
        <translation>审查中</translation>
    </message>
    <message>
        <source>response due</source>
        <translation>待答复</translation>
    </message>
    <message>
        <source>licence applied</source>
        <translation>已申请许可证</translation>
    </message>
    <message>
        <source>granted</source>
        <translation>已批准</translation>
    </message>
    <message>
        <source>denied</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>Deals</source>
        <translation>交易</translation>
    </message>
    <message>
        <source>Ledgers</source>
        <translation>额度台账</translation>
    </message>
    <message>
        <source>TFLOPS (dense)</source>
        <translation>TFLOPS（稠密）</translation>
    </message>
    <message>
        <source>TOPS (dense)</source>
        <translation>TOPS（稠密）</translation>
    </message>
    <message>
        <source>TPP (bit length x TOPS, vendor-declared)</source>
        <translation>TPP（位长 × TOPS，厂商申报）</translation>
    </message>
    <message>
        <source>billions of transistors</source>
        <translation>十亿个晶体管</translation>
    </message>
    <message>
        <source>GB/s per mm²</source>
        <translation>GB/s/mm²</translation>
    </message>
    <message>
        <source>operations (e.g. 1e26)</source>
        <translation>运算次数（如 1e26）</translation>
    </message>
    <message>
        <source>yes or no</source>
        <translation>是或否</translation>
    </message>
    <message>
        <source>one of ic, board, server, hbm, model_weights</source>
        <translation>ic、board、server、hbm、model_weights 之一</translation>
    </message>
    <message>
        <source>computed or declared</source>
        <translation>computed（计算）或 declared（申报）</translation>
    </message>
    <message>
        <source>further conditions</source>
        <translation>其他条件</translation>
    </message>
    <message>
        <source>enforced on the deal date</source>
        <translation>交易日期当天执行的规则</translation>
    </message>
    <message>
        <source>draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>screened</source>
        <translation>已筛查</translation>
    </message>
    <message>
        <source>licensed</source>
        <translation>已获许可</translation>
    </message>
    <message>
        <source>shipped</source>
        <translation>已出货</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>, not enforced</source>
        <translation>，暂停执法</translation>
    </message>
    <message>
        <source>Cancel deal</source>
        <translation>取消交易</translation>
    </message>
    <message>
        <source>Determining %1 deals…</source>
        <translation>正在判定 %1 笔交易…</translation>
    </message>
    <message>
        <source>The deals could not be determined: %1</source>
        <translation>无法判定交易：%1</translation>
    </message>
    <message>
        <source>Select a deal first.</source>
        <translation>请先选择一笔交易。</translation>
    </message>
    <message>
        <source>Cancel deal %1? It stops counting against the ledgers and cannot be re-opened; it stays in the audit log.</source>
        <translation>取消交易 %1？取消后不再计入额度台账，且无法重新开启；该交易仍保留在审计日志中。</translation>
    </message>
    <message>
        <source>Regime:</source>
        <translation>管制规则版本：</translation>
    </message>
    <message>
        <source>%1 deals</source>
        <translation>%1 笔交易</translation>
    </message>
    <message>
        <source>Incomplete deal:</source>
        <translation>交易信息不完整：</translation>
    </message>
    <message>
        <source>licence required</source>
        <translation>需要许可证</translation>
    </message>
    <message>
        <source>no licence required</source>
        <translation>无需许可证</translation>
    </message>
    <message>
        <source>licence position unknown</source>
        <translation>许可证要求暂无法判定</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>NAC notice sent on</source>
        <translation>先进计算通知许可例外 (NAC) 通知发送日期</translation>
    </message>
    <message>
        <source>Exported from the United States</source>
        <translation>自美国出口</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Exporter</source>
        <translation>出口商</translation>
    </message>
    <message>
        <source>End use</source>
        <translation>最终用途</translation>
    </message>
    <message>
        <source>Licence or exception</source>
        <translation>许可证或许可例外</translation>
    </message>
    <message>
        <source>Record even if a limit is exceeded</source>
        <translation>即使超出额度也记录</translation>
    </message>
    <message>
        <source>Save deal</source>
        <translation>保存交易</translation>
    </message>
    <message>
        <source>New deal</source>
        <translation>新建交易</translation>
    </message>
    <message>
        <source>Live determination</source>
        <translation>实时判定</translation>
    </message>
    <message>
        <source>reference</source>
        <translation>交易编号</translation>
    </message>
    <message>
        <source>exporter</source>
        <translation>出口商</translation>
    </message>
    <message>
        <source>consignee name</source>
        <translation>收货人名称</translation>
    </message>
    <message>
        <source>consignee country</source>
        <translation>收货人所在国家</translation>
    </message>
    <message>
        <source>end user name</source>
        <translation>最终用户名称</translation>
    </message>
    <message>
        <source>end user country</source>
        <translation>最终用户所在国家</translation>
    </message>
    <message>
        <source>Consignee</source>
        <translation>收货人</translation>
    </message>
    <message>
        <source>End user</source>
        <translation>最终用户</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Unit value (USD)</source>
        <translation>单价（美元）</translation>
    </message>
    <message>
        <source>Add line</source>
        <translation>添加明细行</translation>
    </message>
    <message>
        <source>Remove line</source>
        <translation>删除明细行</translation>
    </message>
    <message>
        <source>No enforced regime on this date (the controls start on 2022-10-21).</source>
        <translation>该日期没有执行中的管制规则版本（管制自 2022-10-21 起实施）。</translation>
    </message>
    <message>
        <source>unknown (some TPP missing)</source>
        <translation>未知（部分产品缺少 TPP）</translation>
    </message>
    <message>
        <source>none in force on this date</source>
        <translation>该日期无生效版本</translation>
    </message>
    <message>
        <source>eligible: %1</source>
        <translation>可适用的许可例外：%1</translation>
    </message>
    <message>
        <source> (headquarters rule read with %1)</source>
        <translation>（总部规则按 %1 判定）</translation>
    </message>
    <message>
        <source>name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>country</source>
        <translation>国家</translation>
    </message>
    <message>
        <source>HQ</source>
        <translation>总部</translation>
    </message>
    <message>
        <source>parent HQ</source>
        <translation>母公司总部</translation>
    </message>
    <message>
        <source>(no is-informed letters applied)</source>
        <translation>（未适用任何告知函）</translation>
    </message>
    <message>
        <source>Not saved: fill in %1.</source>
        <translation>未保存：请填写%1。</translation>
    </message>
    <message>
        <source>Deal TPP total: %1</source>
        <translation>交易总处理性能 (TPP) 合计：%1</translation>
    </message>
    <message>
        <source>Value: %1</source>
        <translation>金额：%1</translation>
    </message>
    <message>
        <source>Confidence: %1</source>
        <translation>可信度：%1</translation>
    </message>
    <message>
        <source>Within every limit checked (%1).</source>
        <translation>未超出所检查的任何额度（%1）。</translation>
    </message>
    <message>
        <source>Not saved: %1 (tick &apos;Record even if a limit is exceeded&apos; to record it)</source>
        <translation>未保存：%1（如仍要记录，请勾选“即使超出额度也记录”）</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <source>Revenue share (%1%, 2025 arrangement, never codified): %2</source>
        <translation>营收分成（%1%，2025 年安排，未编入法规）：%2</translation>
    </message>
    <message>
        <source>Section 232 tariff exposure (%1%): %2</source>
        <translation>第 232 条关税敞口（%1%）：%2</translation>
    </message>
    <message>
        <source>no notification required</source>
        <translation>无需通知</translation>
    </message>
    <message>
        <source>not notified</source>
        <translation>尚未通知</translation>
    </message>
    <message>
        <source>All years</source>
        <translation>全部年份</translation>
    </message>
    <message>
        <source>Set US shipments</source>
        <translation>设置美国出货量</translation>
    </message>
    <message>
        <source>government-to-government agreement</source>
        <translation>政府间协议</translation>
    </message>
    <message>
        <source>Set</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>%1: government-to-government agreement recorded.</source>
        <translation>%1：已记录政府间协议。</translation>
    </message>
    <message>
        <source>%1: government-to-government agreement removed.</source>
        <translation>%1：已删除政府间协议。</translation>
    </message>
    <message>
        <source>Deal</source>
        <translation>交易</translation>
    </message>
    <message>
        <source>Exception</source>
        <translation>许可例外</translation>
    </message>
    <message>
        <source>Notified</source>
        <translation>通知日期</translation>
    </message>
    <message>
        <source>Review over</source>
        <translation>审查期届满</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Year:</source>
        <translation>年份：</translation>
    </message>
    <message>
        <source>US shipments of</source>
        <translation>向美国客户出货：</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>国家</translation>
    </message>
    <message>
        <source>NAC/ACA notifications (review clock)</source>
        <translation>先进计算通知 / 授权许可例外 (NAC/ACA) 通知（审查计时）</translation>
    </message>
    <message>
        <source>review period over on %1</source>
        <translation>审查期已于 %1 届满</translation>
    </message>
    <message>
        <source>Building the ledgers under %1 (every deal is determined once)…</source>
        <translation>正在生成 %1 下的额度台账（逐笔判定全部交易）…</translation>
    </message>
    <message>
        <source>; %1 over the limit</source>
        <translation>；%1 个超出额度</translation>
    </message>
    <message>
        <source>waiting: %1 of %2 days left</source>
        <translation>等待中：%2 天中还剩 %1 天</translation>
    </message>
    <message>
        <source>Unknown part number &apos;%1&apos; (expected a catalog part number).</source>
        <translation>未知料号“%1”（应为产品目录中的料号）。</translation>
    </message>
    <message>
        <source>Unknown country code &apos;%1&apos; (expected e.g. MY, IN, AE).</source>
        <translation>未知国家代码“%1”（例如 MY、IN、AE）。</translation>
    </message>
    <message>
        <source>The ledgers could not be built: %1</source>
        <translation>无法生成额度台账：%1</translation>
    </message>
    <message>
        <source>%1 ledgers under %2</source>
        <translation>%2 下共 %1 个额度台账</translation>
    </message>
    <message>
        <source>EARLY: export planned %1; </source>
        <translation>提前：计划于 %1 出口；</translation>
    </message>
    <message>
        <source>%1: %2 units shipped to US customers recorded.</source>
        <translation>%1：已记录向美国客户出货 %2 件。</translation>
    </message>
    <message>
        <source>units</source>
        <translation>件</translation>
    </message>
    <message>
        <source>required</source>
        <translation>需要许可证</translation>
    </message>
    <message>
        <source>not required</source>
        <translation>无需许可证</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Authorization</source>
        <translation>许可证或许可例外</translation>
    </message>
    <message>
        <source>Value (USD)</source>
        <translation>金额（美元）</translation>
    </message>
    <message>
        <source>TPP total</source>
        <translation>TPP 合计</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>Review policy</source>
        <translation>审查政策</translation>
    </message>
    <message>
        <source>Eligible exceptions</source>
        <translation>可适用的许可例外</translation>
    </message>
    <message>
        <source>Ledger</source>
        <translation>额度台账</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>额度</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>已用</translation>
    </message>
    <message>
        <source>Used / remaining</source>
        <translation>已用 / 剩余</translation>
    </message>
    <message>
        <source>Remaining</source>
        <translation>剩余</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>可信度</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>无额度上限</translation>
    </message>
    <message>
        <source> — over by %1</source>
        <translation> — 超出 %1</translation>
    </message>
    <message>
        <source>%1% used</source>
        <translation>已用 %1%</translation>
    </message>
    <message>
        <source>OVER THE LIMIT; </source>
        <translation>超出额度；</translation>
    </message>
    <message>
        <source>line %1: unit value &apos;%2&apos; is not an amount (expected e.g. 25000.00)</source>
        <translation>第 %1 行：单价“%2”不是金额（例如 25000.00）</translation>
    </message>
    <message>
        <source>line %1: unit value &apos;%2&apos; (expected dollars with at most 2 decimals)</source>
        <translation>第 %1 行：单价“%2”（应为美元金额，最多两位小数）</translation>
    </message>
    <message>
        <source>no lines (expected at least one product line)</source>
        <translation>没有明细行（至少需要一行产品）</translation>
    </message>
    <message>
        <source>%1: unknown country code &apos;%2&apos; (expected e.g. MY, CN, AE)</source>
        <translation>%1：未知国家代码“%2”（例如 MY、CN、AE）</translation>
    </message>
    <message>
        <source>destination</source>
        <translation>目的地</translation>
    </message>
    <message>
        <source>consignee HQ</source>
        <translation>收货人总部</translation>
    </message>
    <message>
        <source>consignee parent HQ</source>
        <translation>收货人母公司总部</translation>
    </message>
    <message>
        <source>end user HQ</source>
        <translation>最终用户总部</translation>
    </message>
    <message>
        <source>end user parent HQ</source>
        <translation>最终用户母公司总部</translation>
    </message>
    <message>
        <source>Legal basis (quoted): %1</source>
        <translation>依据（原文）：%1</translation>
    </message>
    <message>
        <source>Choose a catalog</source>
        <translation>选择产品目录</translation>
    </message>
    <message>
        <source>New company catalog</source>
        <translation>新建公司产品目录</translation>
    </message>
    <message>
        <source>The workbench keeps your products, is-informed letters and deals in a catalog file. Start your company's own catalog, or look around in the demo catalog first.</source>
        <translation>工作台将您的产品、告知函（is-informed letter）和交易保存在一个产品目录文件中。请新建贵公司自己的产品目录，或先浏览演示产品目录。</translation>
    </message>
    <message>
        <source>&amp;Create a company catalog</source>
        <translation>新建公司产品目录(&amp;C)</translation>
    </message>
    <message>
        <source>Starts empty: import your product list, then record your letters and deals.</source>
        <translation>从空白开始：导入您的产品清单，然后记录告知函和交易。</translation>
    </message>
    <message>
        <source>Company catalog</source>
        <translation>公司产品目录</translation>
    </message>
    <message>
        <source>e.g. Acme export control</source>
        <translation>例如：某某公司出口管制</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Location:</source>
        <translation>位置(&amp;L)：</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <source>&amp;Explore the demo catalog</source>
        <translation>浏览演示产品目录(&amp;E)</translation>
    </message>
    <message>
        <source>Real accelerators with the source of every figure, and a fictitious sample letter. Marked DEMO and kept apart from your own catalog: not for compliance decisions.</source>
        <translation>真实的加速器及每个数值的来源，外加一封虚构的示例告知函。标有“演示”，与您自己的产品目录分开保存：不得用于合规决定。</translation>
    </message>
    <message>
        <source>C&amp;ontinue</source>
        <translation>继续(&amp;O)</translation>
    </message>
    <message>
        <source>Give the catalog a name and a folder.</source>
        <translation>请为产品目录填写名称并选择文件夹。</translation>
    </message>
    <message>
        <source>A file with this name is already there; choose another name (nothing is replaced).</source>
        <translation>该位置已有同名文件；请换一个名称（不会覆盖任何文件）。</translation>
    </message>
    <message>
        <source>Folder for the catalog</source>
        <translation>产品目录所在文件夹</translation>
    </message>
    <message>
        <source>DEMO</source>
        <translation>演示</translation>
    </message>
    <message>
        <source>&amp;New catalog…</source>
        <translation>新建产品目录(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Open catalog…</source>
        <translation>打开产品目录(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>Open catalog</source>
        <translation>打开产品目录</translation>
    </message>
    <message>
        <source>Workbench catalogs (*.sqlite3 *.db);;All files (*)</source>
        <translation>工作台产品目录 (*.sqlite3 *.db);;所有文件 (*)</translation>
    </message>
    <message>
        <source>(no other catalogs yet)</source>
        <translation>（暂无其他产品目录）</translation>
    </message>
    <message>
        <source>Cannot open the catalog</source>
        <translation>无法打开产品目录</translation>
    </message>
    <message>
        <source>&amp;Withdraw (recorded in error)…</source>
        <translation>撤回（误录）(&amp;W)…</translation>
    </message>
    <message>
        <source>Withdraw letter</source>
        <translation>撤回告知函</translation>
    </message>
    <message>
        <source>Letter not withdrawn</source>
        <translation>告知函未撤回</translation>
    </message>
    <message>
        <source>Withdraw letter %1 as recorded in error? It will bind no product from now on. The letter and this withdrawal stay in the audit log.</source>
        <translation>将告知函 %1 作为误录撤回？此后它不再约束任何产品。该告知函及此次撤回均保留在审计日志中。</translation>
    </message>
    <message>
        <source>&amp;Reason (required):</source>
        <translation>原因（必填）(&amp;R)：</translation>
    </message>
    <message>
        <source>e.g. the letter was addressed to another company</source>
        <translation>例如：该函的收件方是另一家公司</translation>
    </message>
    <message>
        <source>Withdraw</source>
        <translation>撤回</translation>
    </message>
    <message>
        <source>withdrawn (recorded in error)</source>
        <translation>已撤回（误录）</translation>
    </message>
    <message>
        <source>DEMO catalog – not for compliance decisions</source>
        <translation>演示产品目录——不得用于合规决定</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Column in the file</source>
        <translation>文件中的列</translation>
    </message>
    <message>
        <source>Sample values</source>
        <translation>示例值</translation>
    </message>
    <message>
        <source>Template field</source>
        <translation>模板字段</translation>
    </message>
    <message>
        <source>Recognised as</source>
        <translation>识别结果</translation>
    </message>
    <message>
        <source>Apply mapping and preview again</source>
        <translation>应用映射并重新预览</translation>
    </message>
    <message>
        <source>Save mapping as profile…</source>
        <translation>将映射保存为配置…</translation>
    </message>
    <message>
        <source>Step 1 — columns: check what each column of the file becomes</source>
        <translation>第 1 步 — 列：确认文件中每一列对应的字段</translation>
    </message>
    <message>
        <source>Problems only</source>
        <translation>仅显示问题</translation>
    </message>
    <message>
        <source>Step 2 — preview: the rows as they will be written</source>
        <translation>第 2 步 — 预览：将要写入的行</translation>
    </message>
    <message>
        <source>Mapping profile &apos;%1&apos; applied (same headers).</source>
        <translation>已应用映射配置“%1”（表头相同）。</translation>
    </message>
    <message>
        <source>recognised (%1)</source>
        <translation>已识别（%1）</translation>
    </message>
    <message>
        <source>as you chose</source>
        <translation>按您的选择</translation>
    </message>
    <message>
        <source>ignored</source>
        <translation>已忽略</translation>
    </message>
    <message>
        <source>not in the template</source>
        <translation>不在模板中</translation>
    </message>
    <message>
        <source>probably %1: map it?</source>
        <translation>可能是 %1：是否映射？</translation>
    </message>
    <message>
        <source>unit does not fit: choose a field or ignore</source>
        <translation>单位不符：请选择字段或忽略</translation>
    </message>
    <message>
        <source>exact</source>
        <translation>精确</translation>
    </message>
    <message>
        <source>alias</source>
        <translation>别名</translation>
    </message>
    <message>
        <source>probable</source>
        <translation>可能</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>ignore</source>
        <translation>忽略</translation>
    </message>
    <message>
        <source>Save mapping as profile</source>
        <translation>将映射保存为配置</translation>
    </message>
    <message>
        <source>Profile name:</source>
        <translation>配置名称：</translation>
    </message>
    <message>
        <source>Mapping saved as profile &apos;%1&apos;; it is offered again for files with the same headers.</source>
        <translation>映射已保存为配置“%1”；表头相同的文件将再次使用它。</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>未变</translation>
    </message>
    <message>
        <source>The file or the catalog changed since the preview: nothing was written. Preview it again.</source>
        <translation>预览之后文件或产品目录已更改：未写入任何内容。请重新预览。</translation>
    </message>
    <message>
        <source>Near-duplicates: choose…</source>
        <translation>近似重复：请选择…</translation>
    </message>
    <message>
        <source>Near-duplicates: update the catalog&apos;s product</source>
        <translation>近似重复：更新目录中的产品</translation>
    </message>
    <message>
        <source>Near-duplicates: add as new products</source>
        <translation>近似重复：作为新产品添加</translation>
    </message>
    <message>
        <source>%1 matches the catalog&apos;s %2: update %2, or add it as new? (left out until you choose)</source>
        <translation>%1 与目录中的 %2 相同：更新 %2，还是作为新产品添加？（选择之前不导入）</translation>
    </message>
    <message>
        <source>Missing columns: %1</source>
        <translation>缺少的列：%1</translation>
    </message>
    <message>
        <source>Formula =%1 has no saved result, so its value is unknown (expected a value: recalculate and save the file in Excel, or paste values)</source>
        <translation>公式 =%1 没有保存的计算结果，其值未知（应为数值：请在 Excel 中重新计算并保存，或粘贴为数值）</translation>
    </message>
    <message>
        <source>Duplicate part number &apos;%1&apos;, first given at %2 (expected each part number once)</source>
        <translation>料号“%1”重复，首次出现在 %2（每个料号只能出现一次）</translation>
    </message>
    <message>
        <source>Part number &apos;%1&apos; is the same as &apos;%2&apos; at %3 apart from case, spaces or look-alike characters (expected each part number once)</source>
        <translation>料号“%1”与 %3 的“%2”仅在大小写、空格或形近字符上不同（每个料号只能出现一次）</translation>
    </message>
    <message>
        <source>Part number &apos;%1&apos; matches the catalog&apos;s &apos;%2&apos;: update it, or add it as a new product?</source>
        <translation>料号“%1”与产品目录中的“%2”相同：更新该产品，还是作为新产品添加？</translation>
    </message>
    <message>
        <source>Excel error value %1: the cell&apos;s value is unknown and is not read as empty (expected a value: fix the formula or type the figure)</source>
        <translation>Excel 错误值 %1：该单元格的值未知，不会被当作空值读取（应为数值：请修正公式或填入数值）</translation>
    </message>
    <message>
        <source>Column &apos;%1&apos; holds sparse figures; TPP uses dense figures: map it to %2 only if the figures are dense, or ignore it</source>
        <translation>列“%1”为稀疏算力；TPP 使用稠密算力：仅当数值实为稠密时才映射到 %2，否则请忽略</translation>
    </message>
    <message>
        <source>Column &apos;%1&apos; is probably %2: map it? (choose %2 or &apos;ignore&apos; in the field chooser)</source>
        <translation>列“%1”可能是 %2：是否映射？（在字段选择中选择 %2 或“忽略”）</translation>
    </message>
    <message>
        <source>Column &apos;%1&apos; looks like a template figure: choose its field, or &apos;ignore&apos;</source>
        <translation>列“%1”看起来是模板中的数值：请选择字段或“忽略”</translation>
    </message>
    <message>
        <source>Column &apos;%1&apos; is in %2, which %3 cannot take (expected %4): choose another field or ignore it</source>
        <translation>列“%1”的单位是 %2，%3 不接受该单位（应为 %4）：请选择其他字段或忽略</translation>
    </message>
    <message>
        <source>Column &apos;%1&apos; maps to %2, which another column already gives (expected each field once: map or ignore one of them)</source>
        <translation>列“%1”对应 %2，但另一列已提供该字段（每个字段只能来自一列：请映射或忽略其中一列）</translation>
    </message>
    <message>
        <source>Column &apos;%1&apos; holds sparse figures; %2 comes from the dense column (TPP uses dense figures)</source>
        <translation>列“%1”为稀疏算力；%2 取自稠密算力列（TPP 使用稠密算力）</translation>
    </message>
    <message>
        <source>Column &apos;%1&apos; is not in the template, ignored</source>
        <translation>列“%1”不在模板中，已忽略</translation>
    </message>
    <message>
        <source>Column &apos;%1&apos; ignored as you chose</source>
        <translation>已按您的选择忽略列“%1”</translation>
    </message>
    <message>
        <source>Column &apos;%1&apos;: values converted from %2 to %3 (x%4)</source>
        <translation>列“%1”：数值已由 %2 换算为 %3（×%4）</translation>
    </message>
    <message>
        <source>%1: unit &apos;%2&apos; removed from &apos;%3&apos;</source>
        <translation>%1：已去掉“%3”中的单位“%2”</translation>
    </message>
    <message>
        <source>%1: text number &apos;%2&apos; read as %3</source>
        <translation>%1：文本数字“%2”读作 %3</translation>
    </message>
    <message>
        <source>%1: &apos;%2&apos; converted to %3</source>
        <translation>%1：“%2”已换算为 %3</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a number (expected a number in %2)</source>
        <translation>“%1”不是数字（应为以 %2 为单位的数字）</translation>
    </message>
    <message>
        <source>Hidden sheets not read: %1</source>
        <translation>未读取隐藏工作表：%1</translation>
    </message>
    <message>
        <source>Rows %1-%2 above the header row %3 were not read</source>
        <translation>表头（第 %3 行）上方的第 %1-%2 行未读取</translation>
    </message>
    <message>
        <source>Columns not in the template, ignored: %1</source>
        <translation>不在模板中的列（已忽略）：%1</translation>
    </message>
    <message>
        <source>Merged cells outside the template&apos;s data, ignored</source>
        <translation>模板数据以外的合并单元格，已忽略</translation>
    </message>
    <message>
        <source>Screening</source>
        <translation>筛查</translation>
    </message>
    <message>
        <source>Load screening list…</source>
        <translation>载入筛查清单…</translation>
    </message>
    <message>
        <source>Party name, in any script (e.g. 華為技術有限公司)</source>
        <translation>当事方名称，任何文字均可（例如 華為技術有限公司）</translation>
    </message>
    <message>
        <source>Country (ISO2)</source>
        <translation>国家（ISO2）</translation>
    </message>
    <message>
        <source>Screen</source>
        <translation>筛查</translation>
    </message>
    <message>
        <source>Clear match…</source>
        <translation>排除匹配…</translation>
    </message>
    <message>
        <source>Confirm match…</source>
        <translation>确认匹配…</translation>
    </message>
    <message>
        <source>Add ownership link…</source>
        <translation>添加持股关系…</translation>
    </message>
    <message>
        <source>Import links from xlsx/CSV…</source>
        <translation>从 xlsx/CSV 导入持股关系…</translation>
    </message>
    <message>
        <source>Affiliates-rule check…</source>
        <translation>关联方规则检查…</translation>
    </message>
    <message>
        <source>Review queue</source>
        <translation>待审队列</translation>
    </message>
    <message>
        <source>Ownership links</source>
        <translation>持股关系</translation>
    </message>
    <message>
        <source>Screening list loaded</source>
        <translation>筛查清单已载入</translation>
    </message>
    <message>
        <source>Affiliates-rule check</source>
        <translation>关联方规则检查</translation>
    </message>
    <message>
        <source>Add ownership link</source>
        <translation>添加持股关系</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>持股方</translation>
    </message>
    <message>
        <source>Owned</source>
        <translation>被持股方</translation>
    </message>
    <message>
        <source>Percent</source>
        <translation>持股比例</translation>
    </message>
    <message>
        <source>As of (YYYY-MM-DD)</source>
        <translation>截至日期（YYYY-MM-DD）</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>List entry</source>
        <translation>清单条目</translation>
    </message>
    <message>
        <source>Source list</source>
        <translation>来源清单</translation>
    </message>
    <message>
        <source>Entry id</source>
        <translation>条目编号</translation>
    </message>
    <message>
        <source>Party</source>
        <translation>当事方</translation>
    </message>
    <message>
        <source>Possible match</source>
        <translation>可能匹配</translation>
    </message>
    <message>
        <source>Where the party appears</source>
        <translation>当事方出现于</translation>
    </message>
    <message>
        <source>As of</source>
        <translation>截至</translation>
    </message>
    <message>
        <source>No screening list loaded. Load the Consolidated Screening List (CSV or JSON) to screen parties offline.</source>
        <translation>尚未载入筛查清单。请载入综合筛查清单（CSV 或 JSON），以便离线筛查当事方。</translation>
    </message>
    <message>
        <source>No screening list loaded.</source>
        <translation>尚未载入筛查清单。</translation>
    </message>
    <message>
        <source>Load screening list</source>
        <translation>载入筛查清单</translation>
    </message>
    <message>
        <source>Consolidated Screening List (*.csv *.json)</source>
        <translation>综合筛查清单 (*.csv *.json)</translation>
    </message>
    <message>
        <source>Select a possible match first.</source>
        <translation>请先选择一个可能匹配。</translation>
    </message>
    <message>
        <source>Clear match</source>
        <translation>排除匹配</translation>
    </message>
    <message>
        <source>Confirm match</source>
        <translation>确认匹配</translation>
    </message>
    <message>
        <source>Reason (kept in the audit log):</source>
        <translation>理由（记入审计追踪）：</translation>
    </message>
    <message>
        <source>Import ownership links</source>
        <translation>导入持股关系</translation>
    </message>
    <message>
        <source>Tables (*.xlsx *.csv)</source>
        <translation>表格 (*.xlsx *.csv)</translation>
    </message>
    <message>
        <source>Party name:</source>
        <translation>当事方名称：</translation>
    </message>
    <message>
        <source>The Affiliates rule is in force on this date.</source>
        <translation>该日期关联方规则有效。</translation>
    </message>
    <message>
        <source>The Affiliates rule is not in force on this date.</source>
        <translation>该日期关联方规则不适用（未生效或已暂停）。</translation>
    </message>
    <message>
        <source>Review threshold %1: entries scoring below it are not shown; nothing is cleared automatically.</source>
        <translation>审查阈值 %1：得分低于阈值的条目不显示；任何匹配都不会被自动排除。</translation>
    </message>
    <message>
        <source>Screening list not loaded</source>
        <translation>筛查清单未载入</translation>
    </message>
    <message>
        <source>The screening list could not be read: %1</source>
        <translation>无法读取筛查清单：%1</translation>
    </message>
    <message>
        <source>%1 possible matches awaiting review</source>
        <translation>%1 个可能匹配待审</translation>
    </message>
    <message>
        <source>No entry scores %1 or more.</source>
        <translation>没有得分达到 %1 的条目。</translation>
    </message>
    <message>
        <source>%1 entries loaded; %2 new possible matches among the stored parties.</source>
        <translation>已载入 %1 个条目；已存当事方中新增 %2 个可能匹配。</translation>
    </message>
    <message>
        <source>%1 entries</source>
        <translation>%1 个条目</translation>
    </message>
    <message>
        <source>%1 on %2: listed owners hold %3 %.</source>
        <translation>%1（%2）：被列名持股方合计持有 %3 %。</translation>
    </message>
    <message>
        <source>Caught: inherits %1 (%2): %3</source>
        <translation>适用：继承 %1（%2）的要求：%3</translation>
    </message>
    <message>
        <source>List snapshot of %1</source>
        <translation>清单快照（%1）</translation>
    </message>
    <message>
        <source>Licence requirement: %1; policy: %2</source>
        <translation>许可证要求：%1；审查政策：%2</translation>
    </message>
    <message>
        <source>Apply rule update…</source>
        <translation>应用规则更新…</translation>
    </message>
    <message>
        <source>Apply rule update</source>
        <translation>应用规则更新</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>签名</translation>
    </message>
    <message>
        <source>valid, signed by key %1</source>
        <translation>有效，签名密钥 %1</translation>
    </message>
    <message>
        <source>Sequence</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>%1 (installed: %2)</source>
        <translation>%1（已安装：%2）</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Rules current to</source>
        <translation>规则更新至</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>%1 of %2 catalog products change (destination: %3)</source>
        <translation>产品目录中 %2 个产品里有 %1 个发生变化（目的地：%3）</translation>
    </message>
    <message>
        <source>Regimes added: %1</source>
        <translation>新增管制规则版本：%1</translation>
    </message>
    <message>
        <source>Regimes removed: %1</source>
        <translation>删除的管制规则版本：%1</translation>
    </message>
    <message>
        <source>Regimes changed: %1</source>
        <translation>更改的管制规则版本：%1</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>更新前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>更新后</translation>
    </message>
    <message>
        <source>Adopt</source>
        <translation>采用</translation>
    </message>
    <message>
        <source>The catalog is read-only: the update cannot be recorded</source>
        <translation>产品目录为只读：无法记录此次更新</translation>
    </message>
    <message>
        <source>Adopt rule update</source>
        <translation>采用规则更新</translation>
    </message>
    <message>
        <source>Adopt signed rule bundle %1? Every determination will use it from now on; `workbench update rollback` returns to the rules in use now.</source>
        <translation>采用已签名的规则包 %1？此后所有判定都将使用该规则包；`workbench update rollback` 可退回到当前使用的规则。</translation>
    </message>
    <message>
        <source>Rule update not adopted</source>
        <translation>未采用规则更新</translation>
    </message>
    <message>
        <source>Rule update refused</source>
        <translation>规则更新被拒绝</translation>
    </message>
    <message>
        <source>Signed rule bundles (*.zip)</source>
        <translation>已签名的规则包 (*.zip)</translation>
    </message>
    <message>
        <source>Rules current to %1</source>
        <translation>规则更新至 %1</translation>
    </message>
    <message>
        <source>Rules current to: not stated</source>
        <translation>规则更新日期：未注明</translation>
    </message>
    <message>
        <source>Rules current to %1 — %2 days ago, more than %3: check for newer rules before relying on a determination</source>
        <translation>规则更新至 %1——距今 %2 天，超过 %3 天：依赖判定结果前请检查是否有更新的规则</translation>
    </message>
</context>
</TS>
